package iam

import (
	"context"
	"strings"
	"time"

	"github.com/shoal-dev/shoal/internal/meta"
)

// User is an IAM user.
type User struct {
	Name    string
	ID      string
	Path    string
	ARN     string
	Created time.Time
	Tags    []Tag
	// PermissionsBoundary is the boundary policy's ARN, "" if none (set by
	// GetUser and CreateUser only, as IAM returns it).
	PermissionsBoundary string
}

// CreateUserInput are CreateUser's parameters.
type CreateUserInput struct {
	Name string
	Path *string
	Tags []Tag
	// PermissionsBoundary is an optional managed policy ARN.
	PermissionsBoundary *string
}

func nameKey(name string) string { return strings.ToLower(name) }

func (s *Service) userARN(path, name string) string { return s.arn("user" + path + name) }

// CreateUser creates a user.
func (s *Service) CreateUser(ctx context.Context, in CreateUserInput) (*User, error) {
	if err := checkName(in.Name, "userName", 64); err != nil {
		return nil, err
	}
	path, err := checkPath(in.Path)
	if err != nil {
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
	u := &User{Name: in.Name, ID: newID("AIDA"), Path: path, Created: s.now(), Tags: in.Tags}
	u.ARN = s.userARN(path, u.Name)
	err = s.update(ctx, func(tx *meta.Tx) error {
		if exists, err := rowExists(ctx, tx, `SELECT 1 FROM iam_users WHERE name_key = ?`, nameKey(in.Name)); err != nil || exists {
			if exists {
				return alreadyExists("User with name %s already exists.", in.Name)
			}
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO iam_users (name_key, name, id, path, create_time) VALUES (?, ?, ?, ?, ?)`,
			nameKey(u.Name), u.Name, u.ID, u.Path, millis(u.Created)); err != nil {
			return err
		}
		if b := in.PermissionsBoundary; b != nil {
			if err := s.checkBoundary(ctx, tx, *b); err != nil {
				return err
			}
			u.PermissionsBoundary = *b
			if err := setBoundary(ctx, tx, kindUser, nameKey(u.Name), *b); err != nil {
				return err
			}
		}
		return putTags(ctx, tx, kindUser, nameKey(u.Name), in.Tags)
	})
	return u, dbErr("create user", err)
}

// GetUser returns a user with its tags.
func (s *Service) GetUser(ctx context.Context, name string) (*User, error) {
	if err := checkName(name, "userName", 128); err != nil {
		return nil, err
	}
	var u *User
	err := s.view(ctx, func(tx *meta.Tx) error {
		var err error
		if u, err = s.loadUser(ctx, tx, name); err != nil {
			return err
		}
		u.PermissionsBoundary, u.Tags, err = loadDetails(ctx, tx, kindUser, nameKey(u.Name))
		return err
	})
	return u, dbErr("get user", err)
}

func (s *Service) loadUser(ctx context.Context, tx *meta.Tx, name string) (*User, error) {
	u := &User{}
	var created int64
	err := tx.QueryRow(ctx, `SELECT name, id, path, create_time FROM iam_users WHERE name_key = ?`, nameKey(name)).
		Scan(&u.Name, &u.ID, &u.Path, &created)
	if meta.IsNoRows(err) {
		return nil, noSuchEntity("The user with name %s cannot be found.", name)
	}
	if err != nil {
		return nil, err
	}
	u.Created = fromMillis(created)
	u.ARN = s.userARN(u.Path, u.Name)
	return u, nil
}

// ListUsers lists users whose path starts with pathPrefix, by name.
func (s *Service) ListUsers(ctx context.Context, pathPrefix *string, page Page) ([]*User, string, error) {
	prefix, err := checkPathPrefix(pathPrefix)
	if err != nil {
		return nil, "", err
	}
	var users []*User
	err = s.view(ctx, func(tx *meta.Tx) error {
		rows, err := tx.Query(ctx, `SELECT name, id, path, create_time FROM iam_users`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			u := &User{}
			var created int64
			if err := rows.Scan(&u.Name, &u.ID, &u.Path, &created); err != nil {
				return err
			}
			if strings.HasPrefix(u.Path, prefix) {
				u.Created, u.ARN = fromMillis(created), s.userARN(u.Path, u.Name)
				users = append(users, u)
			}
		}
		return rows.Err()
	})
	if err != nil {
		return nil, "", dbErr("list users", err)
	}
	return paginate(users, func(u *User) string { return nameKey(u.Name) }, page)
}

// UpdateUser renames a user or changes its path.
func (s *Service) UpdateUser(ctx context.Context, name string, newName, newPath *string) error {
	if err := checkName(name, "userName", 128); err != nil {
		return err
	}
	if newName != nil {
		if err := checkName(*newName, "newUserName", 64); err != nil {
			return err
		}
	}
	if newPath != nil {
		if _, err := checkPath(newPath); err != nil {
			return err
		}
	}
	defer s.creds.clear() // identities carry the user's name and path
	err := s.update(ctx, func(tx *meta.Tx) error {
		u, err := s.loadUser(ctx, tx, name)
		if err != nil {
			return err
		}
		if newPath != nil {
			if _, err := tx.Exec(ctx, `UPDATE iam_users SET path = ? WHERE name_key = ?`, *newPath, nameKey(name)); err != nil {
				return err
			}
		}
		if newName == nil || *newName == u.Name {
			return nil
		}
		return renameUser(ctx, tx, u.Name, *newName)
	})
	return dbErr("update user", err)
}

// renameUser moves every row that refers to the user to its new key.
func renameUser(ctx context.Context, tx *meta.Tx, oldName, newName string) error {
	oldKey, newKey := nameKey(oldName), nameKey(newName)
	if oldKey != newKey {
		if exists, err := rowExists(ctx, tx, `SELECT 1 FROM iam_users WHERE name_key = ?`, newKey); err != nil || exists {
			if exists {
				return alreadyExists("User with name %s already exists.", newName)
			}
			return err
		}
	}
	for _, q := range []string{
		`UPDATE iam_access_keys SET user_key = ? WHERE user_key = ?`,
		`UPDATE iam_login_profiles SET user_key = ? WHERE user_key = ?`,
		`UPDATE iam_group_members SET user_key = ? WHERE user_key = ?`,
		`UPDATE iam_inline_policies SET entity_key = ? WHERE entity_kind = 'user' AND entity_key = ?`,
		`UPDATE iam_attachments SET entity_key = ? WHERE entity_kind = 'user' AND entity_key = ?`,
		`UPDATE iam_tags SET entity_key = ? WHERE entity_kind = 'user' AND entity_key = ?`,
		`UPDATE iam_boundaries SET entity_key = ? WHERE entity_kind = 'user' AND entity_key = ?`,
		`UPDATE iam_user_sessions SET user_key = ? WHERE user_key = ?`,
		`UPDATE iam_password_history SET user_key = ? WHERE user_key = ?`,
	} {
		if _, err := tx.Exec(ctx, q, newKey, oldKey); err != nil {
			return err
		}
	}
	_, err := tx.Exec(ctx, `UPDATE iam_users SET name_key = ?, name = ? WHERE name_key = ?`, newKey, newName, oldKey)
	return err
}

// DeleteUser deletes a user that has nothing attached, as IAM requires.
func (s *Service) DeleteUser(ctx context.Context, name string) error {
	if err := checkName(name, "userName", 128); err != nil {
		return err
	}
	defer s.creds.clear()
	err := s.update(ctx, func(tx *meta.Tx) error {
		u, err := s.loadUser(ctx, tx, name)
		if err != nil {
			return err
		}
		key := nameKey(u.Name)
		checks := []struct{ q, msg string }{
			{`SELECT 1 FROM iam_login_profiles WHERE user_key = ?`, "Cannot delete entity, must delete login profile first."},
			{`SELECT 1 FROM iam_access_keys WHERE user_key = ?`, "Cannot delete entity, must delete access keys first."},
			{`SELECT 1 FROM iam_inline_policies WHERE entity_kind = 'user' AND entity_key = ?`, "Cannot delete entity, must delete policies first."},
			{`SELECT 1 FROM iam_attachments WHERE entity_kind = 'user' AND entity_key = ?`, "Cannot delete entity, must detach all policies first."},
			{`SELECT 1 FROM iam_group_members WHERE user_key = ?`, "Cannot delete entity, must remove users from group first."},
		}
		for _, c := range checks {
			if exists, err := rowExists(ctx, tx, c.q, key); err != nil || exists {
				if exists {
					return deleteConflict("%s", c.msg)
				}
				return err
			}
		}
		for _, q := range []string{
			`DELETE FROM iam_tags WHERE entity_kind = 'user' AND entity_key = ?`,
			`DELETE FROM iam_boundaries WHERE entity_kind = 'user' AND entity_key = ?`,
			`DELETE FROM iam_user_sessions WHERE user_key = ?`,
			`DELETE FROM iam_password_history WHERE user_key = ?`,
		} {
			if _, err := tx.Exec(ctx, q, key); err != nil {
				return err
			}
		}
		_, err = tx.Exec(ctx, `DELETE FROM iam_users WHERE name_key = ?`, key)
		return err
	})
	return dbErr("delete user", err)
}

// rowExists reports whether a query returns any row.
func rowExists(ctx context.Context, tx *meta.Tx, q string, args ...any) (bool, error) {
	var one int
	err := tx.QueryRow(ctx, q+" LIMIT 1", args...).Scan(&one)
	if meta.IsNoRows(err) {
		return false, nil
	}
	return err == nil, err
}
