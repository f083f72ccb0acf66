package iam

import (
	"context"
	"strings"
	"time"

	"github.com/shoal-dev/shoal/internal/meta"
)

// Group is an IAM group.
type Group struct {
	Name    string
	ID      string
	Path    string
	ARN     string
	Created time.Time
}

const maxGroupsPerUser = 10

func (s *Service) groupARN(path, name string) string { return s.arn("group" + path + name) }

// CreateGroup creates a group.
func (s *Service) CreateGroup(ctx context.Context, name string, pathIn *string) (*Group, error) {
	if err := checkName(name, "groupName", 128); err != nil {
		return nil, err
	}
	path, err := checkPath(pathIn)
	if err != nil {
		return nil, err
	}
	g := &Group{Name: name, ID: newID("AGPA"), Path: path, Created: s.now()}
	g.ARN = s.groupARN(path, name)
	err = s.update(ctx, func(tx *meta.Tx) error {
		if exists, err := rowExists(ctx, tx, `SELECT 1 FROM iam_groups WHERE name_key = ?`, nameKey(name)); err != nil || exists {
			if exists {
				return alreadyExists("Group with name %s already exists.", name)
			}
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO iam_groups (name_key, name, id, path, create_time) VALUES (?, ?, ?, ?, ?)`,
			nameKey(name), g.Name, g.ID, g.Path, millis(g.Created))
		return err
	})
	return g, dbErr("create group", err)
}

func (s *Service) scanGroup(scan func(...any) error) (*Group, error) {
	g := &Group{}
	var created int64
	if err := scan(&g.Name, &g.ID, &g.Path, &created); err != nil {
		return nil, err
	}
	g.Created, g.ARN = fromMillis(created), s.groupARN(g.Path, g.Name)
	return g, nil
}

func (s *Service) loadGroup(ctx context.Context, tx *meta.Tx, name string) (*Group, error) {
	g, err := s.scanGroup(tx.QueryRow(ctx, `SELECT name, id, path, create_time FROM iam_groups WHERE name_key = ?`, nameKey(name)).Scan)
	if meta.IsNoRows(err) {
		return nil, noSuchEntity("The group with name %s cannot be found.", name)
	}
	return g, err
}

// GetGroup returns a group and a page of its users.
func (s *Service) GetGroup(ctx context.Context, name string, page Page) (*Group, []*User, string, error) {
	if err := checkName(name, "groupName", 128); err != nil {
		return nil, nil, "", err
	}
	var g *Group
	var users []*User
	err := s.view(ctx, func(tx *meta.Tx) error {
		var err error
		if g, err = s.loadGroup(ctx, tx, name); err != nil {
			return err
		}
		users, err = s.queryUsers(ctx, tx, `SELECT u.name, u.id, u.path, u.create_time FROM iam_users u
			JOIN iam_group_members m ON m.user_key = u.name_key WHERE m.group_key = ?`, nameKey(g.Name))
		return err
	})
	if err != nil {
		return nil, nil, "", dbErr("get group", err)
	}
	users, next, err := paginate(users, func(u *User) string { return nameKey(u.Name) }, page)
	return g, users, next, err
}

func (s *Service) queryUsers(ctx context.Context, tx *meta.Tx, q string, args ...any) ([]*User, error) {
	rows, err := tx.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var users []*User
	for rows.Next() {
		u := &User{}
		var created int64
		if err := rows.Scan(&u.Name, &u.ID, &u.Path, &created); err != nil {
			return nil, err
		}
		u.Created, u.ARN = fromMillis(created), s.userARN(u.Path, u.Name)
		users = append(users, u)
	}
	return users, rows.Err()
}

func (s *Service) queryGroups(ctx context.Context, tx *meta.Tx, q string, args ...any) ([]*Group, error) {
	rows, err := tx.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var groups []*Group
	for rows.Next() {
		g, err := s.scanGroup(rows.Scan)
		if err != nil {
			return nil, err
		}
		groups = append(groups, g)
	}
	return groups, rows.Err()
}

// ListGroups lists groups whose path starts with pathPrefix.
func (s *Service) ListGroups(ctx context.Context, pathPrefix *string, page Page) ([]*Group, string, error) {
	prefix, err := checkPathPrefix(pathPrefix)
	if err != nil {
		return nil, "", err
	}
	var groups []*Group
	err = s.view(ctx, func(tx *meta.Tx) error {
		all, err := s.queryGroups(ctx, tx, `SELECT name, id, path, create_time FROM iam_groups`)
		for _, g := range all {
			if strings.HasPrefix(g.Path, prefix) {
				groups = append(groups, g)
			}
		}
		return err
	})
	if err != nil {
		return nil, "", dbErr("list groups", err)
	}
	return paginate(groups, func(g *Group) string { return nameKey(g.Name) }, page)
}

// ListGroupsForUser lists the groups a user belongs to.
func (s *Service) ListGroupsForUser(ctx context.Context, userName string, page Page) ([]*Group, string, error) {
	if err := checkName(userName, "userName", 128); err != nil {
		return nil, "", err
	}
	var groups []*Group
	err := s.view(ctx, func(tx *meta.Tx) error {
		u, err := s.loadUser(ctx, tx, userName)
		if err != nil {
			return err
		}
		groups, err = s.queryGroups(ctx, tx, `SELECT g.name, g.id, g.path, g.create_time FROM iam_groups g
			JOIN iam_group_members m ON m.group_key = g.name_key WHERE m.user_key = ?`, nameKey(u.Name))
		return err
	})
	if err != nil {
		return nil, "", dbErr("list groups for user", err)
	}
	return paginate(groups, func(g *Group) string { return nameKey(g.Name) }, page)
}

func checkMemberNames(groupName, userName string) error {
	if err := checkName(groupName, "groupName", 128); err != nil {
		return err
	}
	return checkName(userName, "userName", 128)
}

// loadMembership loads both sides of a group membership.
func (s *Service) loadMembership(ctx context.Context, tx *meta.Tx, groupName, userName string) (*Group, *User, error) {
	g, err := s.loadGroup(ctx, tx, groupName)
	if err != nil {
		return nil, nil, err
	}
	u, err := s.loadUser(ctx, tx, userName)
	if err != nil {
		return nil, nil, err
	}
	return g, u, nil
}

// AddUserToGroup adds a user to a group (at most 10 groups per user).
func (s *Service) AddUserToGroup(ctx context.Context, groupName, userName string) error {
	if err := checkMemberNames(groupName, userName); err != nil {
		return err
	}
	return dbErr("add user to group", s.update(ctx, func(tx *meta.Tx) error {
		g, u, err := s.loadMembership(ctx, tx, groupName, userName)
		if err != nil {
			return err
		}
		gk, uk := nameKey(g.Name), nameKey(u.Name)
		if member, err := rowExists(ctx, tx, `SELECT 1 FROM iam_group_members WHERE group_key = ? AND user_key = ?`, gk, uk); err != nil || member {
			return err // adding a member again succeeds, as in IAM
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM iam_group_members WHERE user_key = ?`, uk).Scan(&n); err != nil {
			return err
		}
		if n >= maxGroupsPerUser {
			return limitExceeded("Cannot exceed quota for GroupsPerUser: %d", maxGroupsPerUser)
		}
		_, err = tx.Exec(ctx, `INSERT INTO iam_group_members (group_key, user_key) VALUES (?, ?)`, gk, uk)
		return err
	}))
}

// RemoveUserFromGroup removes a user from a group.
func (s *Service) RemoveUserFromGroup(ctx context.Context, groupName, userName string) error {
	if err := checkMemberNames(groupName, userName); err != nil {
		return err
	}
	return dbErr("remove user from group", s.update(ctx, func(tx *meta.Tx) error {
		g, u, err := s.loadMembership(ctx, tx, groupName, userName)
		if err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `DELETE FROM iam_group_members WHERE group_key = ? AND user_key = ?`, nameKey(g.Name), nameKey(u.Name))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return noSuchEntity("User %s does not belong to group %s.", u.Name, g.Name)
		}
		return nil
	}))
}

// DeleteGroup deletes a group without members or policies.
func (s *Service) DeleteGroup(ctx context.Context, name string) error {
	if err := checkName(name, "groupName", 128); err != nil {
		return err
	}
	return dbErr("delete group", s.update(ctx, func(tx *meta.Tx) error {
		g, err := s.loadGroup(ctx, tx, name)
		if err != nil {
			return err
		}
		key := nameKey(g.Name)
		if exists, err := rowExists(ctx, tx, `SELECT 1 FROM iam_group_members WHERE group_key = ?`, key); err != nil || exists {
			if exists {
				return deleteConflict("Cannot delete entity, must remove users from group first.")
			}
			return err
		}
		if err := checkNoPolicies(ctx, tx, kindGroup, key); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `DELETE FROM iam_groups WHERE name_key = ?`, key)
		return err
	}))
}
