package iam

import (
	"context"
	"strings"

	"github.com/shoal-dev/shoal/internal/meta"
)

// AttachedPolicy names a managed policy attached to a user, role or group.
type AttachedPolicy struct {
	Name string
	ARN  string
	path string
}

const maxAttachedPolicies = 10

// quotaName is how IAM names the attached-policy quota of each kind.
var quotaName = map[string]string{kindUser: "PoliciesPerUser", kindRole: "PoliciesPerRole", kindGroup: "PoliciesPerGroup"}

// AttachPolicy attaches a managed policy (customer or AWS) to a user, role or
// group (kind "user", "role" or "group"). Attaching it again is a no-op.
func (s *Service) AttachPolicy(ctx context.Context, kind, entity, arn string) error {
	if err := checkEntityName(kind, entity); err != nil {
		return err
	}
	if err := checkPolicyARN(arn); err != nil {
		return err
	}
	return dbErr("attach policy", s.update(ctx, func(tx *meta.Tx) error {
		key, err := s.entityKey(ctx, tx, kind, entity)
		if err != nil {
			return err
		}
		if _, err := s.loadPolicy(ctx, tx, arn); err != nil {
			return noSuchEntity("Policy %s does not exist or is not attachable.", arn)
		}
		attached, err := rowExists(ctx, tx, `SELECT 1 FROM iam_attachments WHERE entity_kind = ? AND entity_key = ? AND policy_arn = ?`, kind, key, arn)
		if err != nil || attached {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM iam_attachments WHERE entity_kind = ? AND entity_key = ?`, kind, key).Scan(&n); err != nil {
			return err
		}
		if n >= maxAttachedPolicies {
			return limitExceeded("Cannot exceed quota for %s: %d", quotaName[kind], maxAttachedPolicies)
		}
		_, err = tx.Exec(ctx, `INSERT INTO iam_attachments (entity_kind, entity_key, policy_arn) VALUES (?, ?, ?)`, kind, key, arn)
		return err
	}))
}

// DetachPolicy detaches a managed policy.
func (s *Service) DetachPolicy(ctx context.Context, kind, entity, arn string) error {
	if err := checkEntityName(kind, entity); err != nil {
		return err
	}
	if err := checkPolicyARN(arn); err != nil {
		return err
	}
	return dbErr("detach policy", s.update(ctx, func(tx *meta.Tx) error {
		key, err := s.entityKey(ctx, tx, kind, entity)
		if err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `DELETE FROM iam_attachments WHERE entity_kind = ? AND entity_key = ? AND policy_arn = ?`, kind, key, arn)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return noSuchEntity("Policy %s was not found.", arn)
		}
		return nil
	}))
}

// ListAttachedPolicies lists the managed policies attached to an entity
// whose path starts with pathPrefix.
func (s *Service) ListAttachedPolicies(ctx context.Context, kind, entity string, pathPrefix *string, page Page) ([]AttachedPolicy, string, error) {
	if err := checkEntityName(kind, entity); err != nil {
		return nil, "", err
	}
	prefix, err := checkPathPrefix(pathPrefix)
	if err != nil {
		return nil, "", err
	}
	var out []AttachedPolicy
	err = s.view(ctx, func(tx *meta.Tx) error {
		key, err := s.entityKey(ctx, tx, kind, entity)
		if err != nil {
			return err
		}
		arns, err := queryStrings(ctx, tx, `SELECT policy_arn FROM iam_attachments WHERE entity_kind = ? AND entity_key = ?`, kind, key)
		if err != nil {
			return err
		}
		for _, arn := range arns {
			p, err := s.loadPolicy(ctx, tx, arn)
			if err != nil {
				return err
			}
			if strings.HasPrefix(p.Path, prefix) {
				out = append(out, AttachedPolicy{Name: p.Name, ARN: p.ARN, path: p.Path})
			}
		}
		return nil
	})
	if err != nil {
		return nil, "", dbErr("list attached policies", err)
	}
	return paginate(out, func(a AttachedPolicy) string { return nameKey(a.Name) + "\x00" + a.ARN }, page)
}

func queryStrings(ctx context.Context, tx *meta.Tx, q string, args ...any) ([]string, error) {
	rows, err := tx.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
