package iam

import (
	"context"
	"strings"

	"github.com/shoal-dev/shoal/internal/meta"
)

// PolicyEntity is a user, role or group a managed policy is attached to
// or is the permissions boundary of (ListEntitiesForPolicy).
type PolicyEntity struct {
	Kind string // kindUser, kindRole or kindGroup
	Name string
	ID   string
	path string
}

// ListEntitiesInput are ListEntitiesForPolicy's parameters.
type ListEntitiesInput struct {
	PolicyARN string
	// EntityFilter is User, Role, Group, LocalManagedPolicy or
	// AWSManagedPolicy; nil for all. The last two match no entity.
	EntityFilter *string
	PathPrefix   *string
	// UsageFilter is PermissionsPolicy or PermissionsBoundary; nil for both.
	UsageFilter *string
	Page        Page
}

// entityTables lists, per kind, how to read the entities a policy is used
// by: as an attached policy and as a permissions boundary.
var entityTables = []struct {
	kind, filter, table string
}{
	{kindGroup, "Group", "iam_groups"},
	{kindUser, "User", "iam_users"},
	{kindRole, "Role", "iam_roles"},
}

func checkEntitiesInput(in *ListEntitiesInput) error {
	if err := checkPolicyARN(in.PolicyARN); err != nil {
		return err
	}
	if f := in.EntityFilter; f != nil {
		switch *f {
		case "User", "Role", "Group", "LocalManagedPolicy", "AWSManagedPolicy":
		default:
			return constraint(*f, "entityFilter", "Member must satisfy enum value set: [User, Role, LocalManagedPolicy, Group, AWSManagedPolicy]")
		}
	}
	if f := in.UsageFilter; f != nil && *f != "PermissionsPolicy" && *f != "PermissionsBoundary" {
		return constraint(*f, "policyUsageFilter", "Member must satisfy enum value set: [PermissionsBoundary, PermissionsPolicy]")
	}
	return nil
}

// ListEntitiesForPolicy lists the groups, users and roles that use a
// managed policy, whose path starts with PathPrefix.
func (s *Service) ListEntitiesForPolicy(ctx context.Context, in ListEntitiesInput) ([]PolicyEntity, string, error) {
	if err := checkEntitiesInput(&in); err != nil {
		return nil, "", err
	}
	prefix, err := checkPathPrefix(in.PathPrefix)
	if err != nil {
		return nil, "", err
	}
	var out []PolicyEntity
	err = s.view(ctx, func(tx *meta.Tx) error {
		if _, err := s.loadPolicy(ctx, tx, in.PolicyARN); err != nil {
			return err // GetPolicy's NoSuchEntity
		}
		for _, t := range entityTables {
			if in.EntityFilter != nil && *in.EntityFilter != t.filter {
				continue
			}
			found, err := policyUsers(ctx, tx, t.kind, t.table, in.PolicyARN, in.UsageFilter)
			if err != nil {
				return err
			}
			for _, e := range found {
				if strings.HasPrefix(e.path, prefix) {
					out = append(out, e)
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, "", dbErr("list entities for policy", err)
	}
	order := map[string]string{kindGroup: "0", kindUser: "1", kindRole: "2"}
	return paginate(out, func(e PolicyEntity) string { return order[e.Kind] + nameKey(e.Name) }, in.Page)
}

// policyUsers reads the entities of one kind that use arn as allowed by
// the usage filter, each once.
func policyUsers(ctx context.Context, tx *meta.Tx, kind, table, arn string, usage *string) ([]PolicyEntity, error) {
	var sources []string
	if usage == nil || *usage == "PermissionsPolicy" {
		sources = append(sources, `SELECT entity_key FROM iam_attachments WHERE entity_kind = ? AND policy_arn = ?`)
	}
	if kind != kindGroup && (usage == nil || *usage == "PermissionsBoundary") {
		sources = append(sources, `SELECT entity_key FROM iam_boundaries WHERE entity_kind = ? AND policy_arn = ?`)
	}
	if len(sources) == 0 {
		return nil, nil
	}
	var args []any
	for range sources {
		args = append(args, kind, arn)
	}
	// table is one of entityTables' constants, never input.
	rows, err := tx.Query(ctx, `SELECT name, id, path FROM `+table+` WHERE name_key IN (`+strings.Join(sources, " UNION ")+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []PolicyEntity
	for rows.Next() {
		e := PolicyEntity{Kind: kind}
		if err := rows.Scan(&e.Name, &e.ID, &e.path); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
