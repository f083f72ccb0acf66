package iam

import (
	"context"
	"strings"
	"time"

	"github.com/shoal-dev/shoal/internal/iam/policy"
	"github.com/shoal-dev/shoal/internal/meta"
)

// Role is an IAM role.
type Role struct {
	Name               string
	ID                 string
	Path               string
	ARN                string
	Description        string
	TrustPolicy        string
	MaxSessionDuration int
	Created            time.Time
	Tags               []Tag
	// LastUsed and LastUsedRegion record the last AssumeRole; zero if never.
	LastUsed       time.Time
	LastUsedRegion string
	// PermissionsBoundary is the boundary policy's ARN, "" if none (set by
	// GetRole and CreateRole only, as IAM returns it).
	PermissionsBoundary string
}

// CreateRoleInput are CreateRole's parameters.
type CreateRoleInput struct {
	Name               string
	Path               *string
	TrustPolicy        string
	Description        *string
	MaxSessionDuration *int
	Tags               []Tag
	// PermissionsBoundary is an optional managed policy ARN.
	PermissionsBoundary *string
}

const (
	defaultMaxSession = 3600
	maxTrustPolicy    = 2048
)

func (s *Service) roleARN(path, name string) string { return s.arn("role" + path + name) }

func checkMaxSession(v *int) (int, error) {
	if v == nil {
		return defaultMaxSession, nil
	}
	if *v < 3600 || *v > 43200 {
		return 0, constraint(*v, "maxSessionDuration", boundRule(*v, 3600, 43200))
	}
	return *v, nil
}

func checkTrustPolicy(doc string) error {
	return checkPolicyDocument(doc, "assumeRolePolicyDocument", policy.TrustPolicy, maxTrustPolicy, func() error {
		return limitExceeded("Cannot exceed quota for ACLSizePerRole: %d", maxTrustPolicy)
	})
}

// CreateRole creates a role with its trust policy.
func (s *Service) CreateRole(ctx context.Context, in CreateRoleInput) (*Role, error) {
	if err := checkName(in.Name, "roleName", 64); err != nil {
		return nil, err
	}
	path, err := checkPath(in.Path)
	if err != nil {
		return nil, err
	}
	desc, err := checkDescription(in.Description)
	if err != nil {
		return nil, err
	}
	maxSession, err := checkMaxSession(in.MaxSessionDuration)
	if err != nil {
		return nil, err
	}
	if err := checkTrustPolicy(in.TrustPolicy); err != nil {
		return nil, err
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	if in.PermissionsBoundary != nil {
		if err := checkBoundaryARN(*in.PermissionsBoundary); err != nil {
			return nil, err
		}
	}
	r := &Role{Name: in.Name, ID: newID("AROA"), Path: path, Description: desc, TrustPolicy: in.TrustPolicy,
		MaxSessionDuration: maxSession, Created: s.now(), Tags: in.Tags}
	r.ARN = s.roleARN(path, r.Name)
	err = s.update(ctx, func(tx *meta.Tx) error {
		if exists, err := rowExists(ctx, tx, `SELECT 1 FROM iam_roles WHERE name_key = ?`, nameKey(r.Name)); err != nil || exists {
			if exists {
				return alreadyExists("Role with name %s already exists.", r.Name)
			}
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO iam_roles (name_key, name, id, path, description, trust_policy,
			max_session_duration, create_time, last_used_time, last_used_region) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, '')`,
			nameKey(r.Name), r.Name, r.ID, r.Path, r.Description, r.TrustPolicy, r.MaxSessionDuration, millis(r.Created)); err != nil {
			return err
		}
		if b := in.PermissionsBoundary; b != nil {
			if err := s.checkBoundary(ctx, tx, *b); err != nil {
				return err
			}
			r.PermissionsBoundary = *b
			if err := setBoundary(ctx, tx, kindRole, nameKey(r.Name), *b); err != nil {
				return err
			}
		}
		return putTags(ctx, tx, kindRole, nameKey(r.Name), in.Tags)
	})
	return r, dbErr("create role", err)
}

const roleColumns = `name, id, path, description, trust_policy, max_session_duration, create_time, last_used_time, last_used_region`

func (s *Service) scanRole(scan func(...any) error) (*Role, error) {
	r := &Role{}
	var created, used int64
	if err := scan(&r.Name, &r.ID, &r.Path, &r.Description, &r.TrustPolicy, &r.MaxSessionDuration, &created, &used, &r.LastUsedRegion); err != nil {
		return nil, err
	}
	r.Created, r.LastUsed, r.ARN = fromMillis(created), fromMillis(used), s.roleARN(r.Path, r.Name)
	return r, nil
}

func (s *Service) loadRole(ctx context.Context, tx *meta.Tx, name string) (*Role, error) {
	r, err := s.scanRole(tx.QueryRow(ctx, `SELECT `+roleColumns+` FROM iam_roles WHERE name_key = ?`, nameKey(name)).Scan)
	if meta.IsNoRows(err) {
		return nil, noSuchEntity("The role with name %s cannot be found.", name)
	}
	return r, err
}

// GetRole returns a role with its tags.
func (s *Service) GetRole(ctx context.Context, name string) (*Role, error) {
	if err := checkName(name, "roleName", 64); err != nil {
		return nil, err
	}
	var r *Role
	err := s.view(ctx, func(tx *meta.Tx) error {
		var err error
		if r, err = s.loadRole(ctx, tx, name); err != nil {
			return err
		}
		r.PermissionsBoundary, r.Tags, err = loadDetails(ctx, tx, kindRole, nameKey(r.Name))
		return err
	})
	return r, dbErr("get role", err)
}

// ListRoles lists roles whose path starts with pathPrefix, by name.
func (s *Service) ListRoles(ctx context.Context, pathPrefix *string, page Page) ([]*Role, string, error) {
	prefix, err := checkPathPrefix(pathPrefix)
	if err != nil {
		return nil, "", err
	}
	var roles []*Role
	err = s.view(ctx, func(tx *meta.Tx) error {
		rows, err := tx.Query(ctx, `SELECT `+roleColumns+` FROM iam_roles`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			r, err := s.scanRole(rows.Scan)
			if err != nil {
				return err
			}
			if strings.HasPrefix(r.Path, prefix) {
				roles = append(roles, r)
			}
		}
		return rows.Err()
	})
	if err != nil {
		return nil, "", dbErr("list roles", err)
	}
	return paginate(roles, func(r *Role) string { return nameKey(r.Name) }, page)
}

// UpdateRole changes a role's description and maximum session duration.
func (s *Service) UpdateRole(ctx context.Context, name string, description *string, maxSession *int) error {
	if err := checkName(name, "roleName", 64); err != nil {
		return err
	}
	desc, err := checkDescription(description)
	if err != nil {
		return err
	}
	if maxSession != nil {
		if _, err := checkMaxSession(maxSession); err != nil {
			return err
		}
	}
	return dbErr("update role", s.update(ctx, func(tx *meta.Tx) error {
		r, err := s.loadRole(ctx, tx, name)
		if err != nil {
			return err
		}
		if description != nil {
			r.Description = desc
		}
		if maxSession != nil {
			r.MaxSessionDuration = *maxSession
		}
		_, err = tx.Exec(ctx, `UPDATE iam_roles SET description = ?, max_session_duration = ? WHERE name_key = ?`,
			r.Description, r.MaxSessionDuration, nameKey(name))
		return err
	}))
}

// UpdateAssumeRolePolicy replaces a role's trust policy.
func (s *Service) UpdateAssumeRolePolicy(ctx context.Context, name, doc string) error {
	if err := checkName(name, "roleName", 64); err != nil {
		return err
	}
	if err := checkTrustPolicy(doc); err != nil {
		return err
	}
	return dbErr("update trust policy", s.update(ctx, func(tx *meta.Tx) error {
		if _, err := s.loadRole(ctx, tx, name); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE iam_roles SET trust_policy = ? WHERE name_key = ?`, doc, nameKey(name))
		return err
	}))
}

// DeleteRole deletes a role without policies; its sessions stop working.
func (s *Service) DeleteRole(ctx context.Context, name string) error {
	if err := checkName(name, "roleName", 64); err != nil {
		return err
	}
	defer s.creds.clear()
	return dbErr("delete role", s.update(ctx, func(tx *meta.Tx) error {
		r, err := s.loadRole(ctx, tx, name)
		if err != nil {
			return err
		}
		key := nameKey(r.Name)
		if err := checkNoPolicies(ctx, tx, kindRole, key); err != nil {
			return err
		}
		for _, q := range []string{
			`DELETE FROM iam_session_policies WHERE access_key_id IN (SELECT access_key_id FROM iam_sessions WHERE role_key = ?)`,
			`DELETE FROM iam_tags WHERE entity_kind = 'role' AND entity_key = ?`,
			`DELETE FROM iam_boundaries WHERE entity_kind = 'role' AND entity_key = ?`,
			`DELETE FROM iam_sessions WHERE role_key = ?`,
			`DELETE FROM iam_roles WHERE name_key = ?`,
		} {
			if _, err := tx.Exec(ctx, q, key); err != nil {
				return err
			}
		}
		return nil
	}))
}

// checkNoPolicies refuses to delete an entity with inline or attached policies.
func checkNoPolicies(ctx context.Context, tx *meta.Tx, kind, key string) error {
	if exists, err := rowExists(ctx, tx, `SELECT 1 FROM iam_inline_policies WHERE entity_kind = ? AND entity_key = ?`, kind, key); err != nil || exists {
		if exists {
			return deleteConflict("Cannot delete entity, must delete policies first.")
		}
		return err
	}
	if exists, err := rowExists(ctx, tx, `SELECT 1 FROM iam_attachments WHERE entity_kind = ? AND entity_key = ?`, kind, key); err != nil || exists {
		if exists {
			return deleteConflict("Cannot delete entity, must detach all policies first.")
		}
		return err
	}
	return nil
}
