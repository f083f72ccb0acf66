package iam

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/shoal-dev/shoal/internal/awsapi"
	"github.com/shoal-dev/shoal/internal/iam/policy"
	"github.com/shoal-dev/shoal/internal/meta"
)

// Policy is a managed policy: customer-managed, or one of the built-in
// AWS-managed policies.
type Policy struct {
	Name            string
	ID              string
	Path            string
	ARN             string
	Description     string
	DefaultVersion  string
	AttachmentCount int
	// BoundaryCount is how many users and roles have it as their
	// permissions boundary.
	BoundaryCount int
	Created       time.Time
	Updated       time.Time
	Tags          []Tag
	awsManaged    bool
}

// CreatePolicyInput are CreatePolicy's parameters.
type CreatePolicyInput struct {
	Name        string
	Path        *string
	Document    string
	Description *string
	Tags        []Tag
}

const maxManagedPolicySize = 6144

func checkManagedDocument(doc string) error {
	return checkPolicyDocument(doc, "policyDocument", policy.IdentityPolicy, maxManagedPolicySize, func() error {
		return limitExceeded("Cannot exceed quota for PolicySize: %d", maxManagedPolicySize)
	})
}

func checkPolicyARN(arn string) error {
	if len(arn) < 20 || len(arn) > 2048 {
		return constraint(arn, "policyArn", "Member must have length greater than or equal to 20")
	}
	if !strings.HasPrefix(arn, "arn:") {
		return invalidInput("ARN %s is not valid.", arn)
	}
	return nil
}

// CreatePolicy creates a customer-managed policy with version v1.
func (s *Service) CreatePolicy(ctx context.Context, in CreatePolicyInput) (*Policy, error) {
	if err := checkName(in.Name, "policyName", 128); err != nil {
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
	if err := checkManagedDocument(in.Document); err != nil {
		return nil, err
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	now := s.now()
	p := &Policy{Name: in.Name, ID: newID("ANPA"), Path: path, ARN: s.arn("policy" + path + in.Name), Description: desc,
		DefaultVersion: "v1", Created: now, Updated: now, Tags: in.Tags}
	err = s.update(ctx, func(tx *meta.Tx) error {
		if exists, err := rowExists(ctx, tx, `SELECT 1 FROM iam_policies WHERE name_key = ?`, nameKey(p.Name)); err != nil || exists {
			if exists {
				return alreadyExists("A policy called %s already exists. Duplicate names are not allowed.", p.Name)
			}
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO iam_policies (arn, name_key, name, id, path, description, default_version,
			next_version, create_time, update_time) VALUES (?, ?, ?, ?, ?, ?, 'v1', 2, ?, ?)`,
			p.ARN, nameKey(p.Name), p.Name, p.ID, p.Path, p.Description, millis(now), millis(now)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO iam_policy_versions (policy_arn, version_id, document, create_time) VALUES (?, 'v1', ?, ?)`,
			p.ARN, in.Document, millis(now)); err != nil {
			return err
		}
		return putTags(ctx, tx, kindPolicy, p.ARN, in.Tags)
	})
	return p, dbErr("create policy", err)
}

const policyColumns = `name, id, path, arn, description, default_version, create_time, update_time,
	(SELECT COUNT(*) FROM iam_attachments a WHERE a.policy_arn = iam_policies.arn),
	(SELECT COUNT(*) FROM iam_boundaries b WHERE b.policy_arn = iam_policies.arn)`

func scanPolicy(scan func(...any) error) (*Policy, error) {
	p := &Policy{}
	var created, updated int64
	if err := scan(&p.Name, &p.ID, &p.Path, &p.ARN, &p.Description, &p.DefaultVersion, &created, &updated, &p.AttachmentCount, &p.BoundaryCount); err != nil {
		return nil, err
	}
	p.Created, p.Updated = fromMillis(created), fromMillis(updated)
	return p, nil
}

// loadPolicy returns a customer-managed or AWS-managed policy by ARN.
func (s *Service) loadPolicy(ctx context.Context, tx *meta.Tx, arn string) (*Policy, error) {
	if p, ok := s.awsManagedPolicyByARN(arn); ok {
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM iam_attachments WHERE policy_arn = ?`, arn).Scan(&p.AttachmentCount); err != nil {
			return nil, err
		}
		var err error
		p.BoundaryCount, err = boundaryUsage(ctx, tx, arn)
		return p, err
	}
	p, err := scanPolicy(tx.QueryRow(ctx, `SELECT `+policyColumns+` FROM iam_policies WHERE arn = ?`, arn).Scan)
	if meta.IsNoRows(err) {
		return nil, noSuchEntity("Policy %s was not found.", arn)
	}
	return p, err
}

// GetPolicy returns a managed policy with its tags.
func (s *Service) GetPolicy(ctx context.Context, arn string) (*Policy, error) {
	if err := checkPolicyARN(arn); err != nil {
		return nil, err
	}
	var p *Policy
	err := s.view(ctx, func(tx *meta.Tx) error {
		var err error
		if p, err = s.loadPolicy(ctx, tx, arn); err != nil || p.awsManaged {
			return err
		}
		p.Tags, err = loadTags(ctx, tx, kindPolicy, p.ARN)
		return err
	})
	return p, dbErr("get policy", err)
}

// ListPoliciesInput are ListPolicies' filters.
type ListPoliciesInput struct {
	Scope        string // All (default), AWS or Local
	OnlyAttached bool
	PathPrefix   *string
	// UsageFilter is "" (any), PermissionsPolicy (attached to a user,
	// group or role) or PermissionsBoundary (some user's or role's
	// boundary).
	UsageFilter string
	Page        Page
}

// ListPolicies lists managed policies.
func (s *Service) ListPolicies(ctx context.Context, in ListPoliciesInput) ([]*Policy, string, error) {
	if in.Scope == "" {
		in.Scope = "All"
	}
	if in.Scope != "All" && in.Scope != "AWS" && in.Scope != "Local" {
		return nil, "", constraint(in.Scope, "scope", "Member must satisfy enum value set: [All, AWS, Local]")
	}
	if in.UsageFilter != "" && in.UsageFilter != "PermissionsPolicy" && in.UsageFilter != "PermissionsBoundary" {
		return nil, "", constraint(in.UsageFilter, "policyUsageFilter", "Member must satisfy enum value set: [PermissionsPolicy, PermissionsBoundary]")
	}
	prefix, err := checkPathPrefix(in.PathPrefix)
	if err != nil {
		return nil, "", err
	}
	var all []*Policy
	err = s.view(ctx, func(tx *meta.Tx) error {
		if in.Scope != "Local" {
			for _, m := range awsManagedPolicies() {
				p, err := s.loadPolicy(ctx, tx, managedARN(m))
				if err != nil {
					return err
				}
				all = append(all, p)
			}
		}
		if in.Scope == "AWS" {
			return nil
		}
		rows, err := tx.Query(ctx, `SELECT `+policyColumns+` FROM iam_policies`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			p, err := scanPolicy(rows.Scan)
			if err != nil {
				return err
			}
			all = append(all, p)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, "", dbErr("list policies", err)
	}
	var out []*Policy
	for _, p := range all {
		if strings.HasPrefix(p.Path, prefix) && in.keeps(p) {
			out = append(out, p)
		}
	}
	return paginate(out, func(p *Policy) string { return nameKey(p.Name) + "\x00" + p.ARN }, in.Page)
}

// keeps applies OnlyAttached and UsageFilter: a usage filter keeps the
// policies in that use, and OnlyAttached then asks for nothing more;
// OnlyAttached alone keeps those attached as permissions policies.
func (in *ListPoliciesInput) keeps(p *Policy) bool {
	switch in.UsageFilter {
	case "PermissionsPolicy":
		return p.AttachmentCount > 0
	case "PermissionsBoundary":
		return p.BoundaryCount > 0
	}
	return !in.OnlyAttached || p.AttachmentCount > 0
}

// loadCustomerPolicy returns a customer-managed policy; AWS-managed ones
// cannot be changed.
func (s *Service) loadCustomerPolicy(ctx context.Context, tx *meta.Tx, arn, action string) (*Policy, error) {
	p, err := s.loadPolicy(ctx, tx, arn)
	if err != nil {
		return nil, err
	}
	if p.awsManaged {
		return nil, awsapi.Errorf(http.StatusForbidden, "AccessDenied", "Cannot %s an AWS managed policy: %s", action, arn)
	}
	return p, nil
}

// DeletePolicy deletes a customer-managed policy that is attached nowhere
// and has no versions besides the default.
func (s *Service) DeletePolicy(ctx context.Context, arn string) error {
	if err := checkPolicyARN(arn); err != nil {
		return err
	}
	return dbErr("delete policy", s.update(ctx, func(tx *meta.Tx) error {
		p, err := s.loadCustomerPolicy(ctx, tx, arn, "delete")
		if err != nil {
			return err
		}
		if p.AttachmentCount > 0 || p.BoundaryCount > 0 { // a permissions boundary counts as attached
			return deleteConflict("Cannot delete a policy attached to entities.")
		}
		var versions int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM iam_policy_versions WHERE policy_arn = ?`, arn).Scan(&versions); err != nil {
			return err
		}
		if versions > 1 {
			return deleteConflict("This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.")
		}
		for _, q := range []string{
			`DELETE FROM iam_policy_versions WHERE policy_arn = ?`,
			`DELETE FROM iam_tags WHERE entity_kind = 'policy' AND entity_key = ?`,
			`DELETE FROM iam_policies WHERE arn = ?`,
		} {
			if _, err := tx.Exec(ctx, q, arn); err != nil {
				return err
			}
		}
		return nil
	}))
}

func versionNumber(id string) int {
	var n int
	fmt.Sscanf(id, "v%d", &n)
	return n
}
