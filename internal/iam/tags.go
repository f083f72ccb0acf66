package iam

import (
	"context"
	"fmt"
	"strings"

	"github.com/shoal-dev/shoal/internal/meta"
)

// Entity kinds, as stored in the entity_kind columns.
const (
	kindUser   = "user"
	kindRole   = "role"
	kindGroup  = "group"
	kindPolicy = "policy"
)

func putTags(ctx context.Context, tx *meta.Tx, kind, key string, tags []Tag) error {
	var seq int64
	if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(seq), 0) FROM iam_tags WHERE entity_kind = ? AND entity_key = ?`, kind, key).Scan(&seq); err != nil {
		return err
	}
	for _, t := range tags {
		// A key already set keeps its place and takes the new value; keys
		// differ only by case are the same key, as IAM treats them.
		res, err := tx.Exec(ctx, `UPDATE iam_tags SET tag_value = ?, tag_key = ? WHERE entity_kind = ? AND entity_key = ? AND lower(tag_key) = ?`,
			t.Value, t.Key, kind, key, strings.ToLower(t.Key))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n > 0 {
			continue
		}
		seq++
		if _, err := tx.Exec(ctx, `INSERT INTO iam_tags (entity_kind, entity_key, tag_key, tag_value, seq) VALUES (?, ?, ?, ?, ?)`,
			kind, key, t.Key, t.Value, seq); err != nil {
			return err
		}
	}
	var n int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM iam_tags WHERE entity_kind = ? AND entity_key = ?`, kind, key).Scan(&n); err != nil {
		return err
	}
	if n > 50 {
		return limitExceeded("The number of tags has reached the maximum limit.")
	}
	return nil
}

func loadTags(ctx context.Context, tx *meta.Tx, kind, key string) ([]Tag, error) {
	rows, err := tx.Query(ctx, `SELECT tag_key, tag_value FROM iam_tags WHERE entity_kind = ? AND entity_key = ? ORDER BY seq`, kind, key)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var tags []Tag
	for rows.Next() {
		var t Tag
		if err := rows.Scan(&t.Key, &t.Value); err != nil {
			return nil, err
		}
		tags = append(tags, t)
	}
	return tags, rows.Err()
}

// taggedKey resolves a user or role name, or a customer-managed policy ARN,
// to the key its tags are stored under.
func (s *Service) taggedKey(ctx context.Context, tx *meta.Tx, kind, name string) (string, error) {
	switch kind {
	case kindUser, kindRole:
		return s.entityKey(ctx, tx, kind, name)
	default:
		p, err := s.loadPolicy(ctx, tx, name)
		if err != nil {
			return "", err
		}
		if p.awsManaged {
			return "", invalidInput("Tagging is not supported for AWS managed policies.")
		}
		return p.ARN, nil
	}
}

// TagEntity adds or updates tags on a user, role or customer-managed policy
// (kind "user", "role" or "policy"; name is the policy ARN for policies).
func (s *Service) TagEntity(ctx context.Context, kind, name string, tags []Tag) error {
	if err := checkTags(tags); err != nil {
		return err
	}
	err := s.update(ctx, func(tx *meta.Tx) error {
		key, err := s.taggedKey(ctx, tx, kind, name)
		if err != nil {
			return err
		}
		return putTags(ctx, tx, kind, key, tags)
	})
	return dbErr("tag", err)
}

// UntagEntity removes tags by key; keys not present are ignored, as in IAM.
func (s *Service) UntagEntity(ctx context.Context, kind, name string, keys []string) error {
	err := s.update(ctx, func(tx *meta.Tx) error {
		key, err := s.taggedKey(ctx, tx, kind, name)
		if err != nil {
			return err
		}
		for _, k := range keys {
			if _, err := tx.Exec(ctx, `DELETE FROM iam_tags WHERE entity_kind = ? AND entity_key = ? AND lower(tag_key) = ?`,
				kind, key, strings.ToLower(k)); err != nil {
				return err
			}
		}
		return nil
	})
	return dbErr("untag", err)
}

// ListEntityTags lists the tags of a user, role or customer-managed policy.
func (s *Service) ListEntityTags(ctx context.Context, kind, name string, page Page) ([]Tag, string, error) {
	var tags []Tag
	err := s.view(ctx, func(tx *meta.Tx) error {
		key, err := s.taggedKey(ctx, tx, kind, name)
		if err != nil {
			return err
		}
		tags, err = loadTags(ctx, tx, kind, key)
		return err
	})
	if err != nil {
		return nil, "", dbErr("list tags", err)
	}
	// Tags keep their order; the marker is the position.
	type indexed struct {
		i int
		t Tag
	}
	items := make([]indexed, len(tags))
	for i, t := range tags {
		items[i] = indexed{i, t}
	}
	pageItems, next, err := paginate(items, func(x indexed) string { return fmt.Sprintf("%010d", x.i) }, page)
	out := make([]Tag, len(pageItems))
	for i, x := range pageItems {
		out[i] = x.t
	}
	return out, next, err
}
