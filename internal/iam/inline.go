package iam

import (
	"context"
	"sort"

	"github.com/shoal-dev/shoal/internal/iam/policy"
	"github.com/shoal-dev/shoal/internal/meta"
)

// Inline policies are embedded in one user, role or group. Each kind has
// its own size quota (characters without whitespace).
var inlineQuota = map[string]int{kindUser: 2048, kindRole: 10240, kindGroup: 5120}

// entityKey resolves a user, role or group name to its stored key.
func (s *Service) entityKey(ctx context.Context, tx *meta.Tx, kind, name string) (string, error) {
	switch kind {
	case kindUser:
		u, err := s.loadUser(ctx, tx, name)
		if err != nil {
			return "", err
		}
		return nameKey(u.Name), nil
	case kindRole:
		r, err := s.loadRole(ctx, tx, name)
		if err != nil {
			return "", err
		}
		return nameKey(r.Name), nil
	default:
		g, err := s.loadGroup(ctx, tx, name)
		if err != nil {
			return "", err
		}
		return nameKey(g.Name), nil
	}
}

func checkEntityName(kind, name string) error {
	max := 64
	if kind == kindGroup {
		max = 128
	}
	return checkName(name, kind+"Name", max)
}

// PutInlinePolicy adds or replaces an inline policy of a user, role or group
// (kind "user", "role" or "group").
func (s *Service) PutInlinePolicy(ctx context.Context, kind, entity, policyName, doc string) error {
	if err := checkEntityName(kind, entity); err != nil {
		return err
	}
	if err := checkName(policyName, "policyName", 128); err != nil {
		return err
	}
	quota := inlineQuota[kind]
	err := checkPolicyDocument(doc, "policyDocument", policy.IdentityPolicy, quota, func() error {
		return limitExceeded("Maximum policy size of %d bytes exceeded for %s %s", quota, kind, entity)
	})
	if err != nil {
		return err
	}
	return dbErr("put policy", s.update(ctx, func(tx *meta.Tx) error {
		key, err := s.entityKey(ctx, tx, kind, entity)
		if err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `UPDATE iam_inline_policies SET document = ? WHERE entity_kind = ? AND entity_key = ? AND policy_name = ?`,
			doc, kind, key, policyName)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n > 0 {
			return nil
		}
		_, err = tx.Exec(ctx, `INSERT INTO iam_inline_policies (entity_kind, entity_key, policy_name, document) VALUES (?, ?, ?, ?)`,
			kind, key, policyName, doc)
		return err
	}))
}

// GetInlinePolicy returns an inline policy's document and the entity's name.
func (s *Service) GetInlinePolicy(ctx context.Context, kind, entity, policyName string) (string, error) {
	if err := checkEntityName(kind, entity); err != nil {
		return "", err
	}
	if err := checkName(policyName, "policyName", 128); err != nil {
		return "", err
	}
	var doc string
	err := s.view(ctx, func(tx *meta.Tx) error {
		key, err := s.entityKey(ctx, tx, kind, entity)
		if err != nil {
			return err
		}
		err = tx.QueryRow(ctx, `SELECT document FROM iam_inline_policies WHERE entity_kind = ? AND entity_key = ? AND policy_name = ?`,
			kind, key, policyName).Scan(&doc)
		if meta.IsNoRows(err) {
			return noSuchEntity("The %s policy with name %s cannot be found.", kind, policyName)
		}
		return err
	})
	return doc, dbErr("get policy", err)
}

// ListInlinePolicies lists an entity's inline policy names.
func (s *Service) ListInlinePolicies(ctx context.Context, kind, entity string, page Page) ([]string, string, error) {
	if err := checkEntityName(kind, entity); err != nil {
		return nil, "", err
	}
	var names []string
	err := s.view(ctx, func(tx *meta.Tx) error {
		key, err := s.entityKey(ctx, tx, kind, entity)
		if err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT policy_name FROM iam_inline_policies WHERE entity_kind = ? AND entity_key = ?`, kind, key)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				return err
			}
			names = append(names, n)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, "", dbErr("list policies", err)
	}
	sort.Strings(names)
	return paginate(names, func(n string) string { return n }, page)
}

// DeleteInlinePolicy deletes an inline policy.
func (s *Service) DeleteInlinePolicy(ctx context.Context, kind, entity, policyName string) error {
	if err := checkEntityName(kind, entity); err != nil {
		return err
	}
	if err := checkName(policyName, "policyName", 128); err != nil {
		return err
	}
	return dbErr("delete policy", s.update(ctx, func(tx *meta.Tx) error {
		key, err := s.entityKey(ctx, tx, kind, entity)
		if err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `DELETE FROM iam_inline_policies WHERE entity_kind = ? AND entity_key = ? AND policy_name = ?`, kind, key, policyName)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return noSuchEntity("The %s policy with name %s cannot be found.", kind, policyName)
		}
		return nil
	}))
}
