package iam

import (
	"context"

	"github.com/shoal-dev/shoal/internal/meta"
)

// Permissions boundaries: a managed policy set on a user or role that caps
// what its identity-based policies can grant (decide in authorize.go).

// loadDetails reads what GetUser and GetRole show beyond the entity's
// row: its permissions boundary and its tags.
func loadDetails(ctx context.Context, tx *meta.Tx, kind, key string) (boundary string, tags []Tag, err error) {
	if boundary, err = boundaryARN(ctx, tx, kind, key); err != nil {
		return "", nil, err
	}
	tags, err = loadTags(ctx, tx, kind, key)
	return boundary, tags, err
}

// boundaryARN is the ARN of an entity's permissions boundary, "" if none.
func boundaryARN(ctx context.Context, tx *meta.Tx, kind, key string) (string, error) {
	var arn string
	err := tx.QueryRow(ctx, `SELECT policy_arn FROM iam_boundaries WHERE entity_kind = ? AND entity_key = ?`, kind, key).Scan(&arn)
	if meta.IsNoRows(err) {
		return "", nil
	}
	return arn, err
}

// checkBoundary checks a PermissionsBoundary parameter: a managed policy
// that exists.
func (s *Service) checkBoundary(ctx context.Context, tx *meta.Tx, arn string) error {
	if _, err := s.loadPolicy(ctx, tx, arn); err != nil {
		if isNoSuchEntity(err) {
			return noSuchEntity("Scope ARN: %s does not exist or is not attachable.", arn)
		}
		return err
	}
	return nil
}

func setBoundary(ctx context.Context, tx *meta.Tx, kind, key, arn string) error {
	if _, err := tx.Exec(ctx, `DELETE FROM iam_boundaries WHERE entity_kind = ? AND entity_key = ?`, kind, key); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `INSERT INTO iam_boundaries (entity_kind, entity_key, policy_arn) VALUES (?, ?, ?)`, kind, key, arn)
	return err
}

// PutPermissionsBoundary sets (or replaces) the permissions boundary of a
// user or role (kind "user" or "role").
func (s *Service) PutPermissionsBoundary(ctx context.Context, kind, entity, arn string) error {
	if err := checkEntityName(kind, entity); err != nil {
		return err
	}
	if err := checkBoundaryARN(arn); err != nil {
		return err
	}
	return dbErr("put permissions boundary", s.update(ctx, func(tx *meta.Tx) error {
		key, err := s.entityKey(ctx, tx, kind, entity)
		if err != nil {
			return err
		}
		if err := s.checkBoundary(ctx, tx, arn); err != nil {
			return err
		}
		return setBoundary(ctx, tx, kind, key, arn)
	}))
}

// DeletePermissionsBoundary removes a user's or role's permissions
// boundary; without one it does nothing.
func (s *Service) DeletePermissionsBoundary(ctx context.Context, kind, entity string) error {
	if err := checkEntityName(kind, entity); err != nil {
		return err
	}
	return dbErr("delete permissions boundary", s.update(ctx, func(tx *meta.Tx) error {
		key, err := s.entityKey(ctx, tx, kind, entity)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `DELETE FROM iam_boundaries WHERE entity_kind = ? AND entity_key = ?`, kind, key)
		return err
	}))
}

func checkBoundaryARN(arn string) error {
	if len(arn) < 20 || len(arn) > 2048 {
		return constraint(arn, "permissionsBoundary", boundLenRule(len(arn), 20, 2048))
	}
	return checkPolicyARN(arn)
}

// boundaryUsage counts the users and roles whose boundary is arn.
func boundaryUsage(ctx context.Context, tx *meta.Tx, arn string) (int, error) {
	var n int
	err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM iam_boundaries WHERE policy_arn = ?`, arn).Scan(&n)
	return n, err
}
