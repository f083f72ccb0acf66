package iam

import (
	"context"
	"fmt"
	"regexp"
	"time"

	"github.com/shoal-dev/shoal/internal/meta"
)

// PolicyVersion is one version of a managed policy. Document is empty in
// listings, as in ListPolicyVersions.
type PolicyVersion struct {
	VersionID string
	Document  string
	IsDefault bool
	Created   time.Time
}

const maxPolicyVersions = 5

var versionIDPattern = regexp.MustCompile(`^v[1-9][0-9]*(\.[A-Za-z0-9-]*)?$`)

func checkVersionID(id string) error {
	if !versionIDPattern.MatchString(id) {
		return constraint(id, "versionId", `Member must satisfy regular expression pattern: v[1-9][0-9]*(\.[A-Za-z0-9-]*)?`)
	}
	return nil
}

// CreatePolicyVersion adds a version (at most five), optionally making it
// the default.
func (s *Service) CreatePolicyVersion(ctx context.Context, arn, doc string, setAsDefault bool) (*PolicyVersion, error) {
	if err := checkPolicyARN(arn); err != nil {
		return nil, err
	}
	if err := checkManagedDocument(doc); err != nil {
		return nil, err
	}
	v := &PolicyVersion{IsDefault: setAsDefault, Created: s.now()}
	err := s.update(ctx, func(tx *meta.Tx) error {
		p, err := s.loadCustomerPolicy(ctx, tx, arn, "create a version of")
		if err != nil {
			return err
		}
		var count, next int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*), (SELECT next_version FROM iam_policies WHERE arn = ?) FROM iam_policy_versions WHERE policy_arn = ?`,
			arn, arn).Scan(&count, &next); err != nil {
			return err
		}
		if count >= maxPolicyVersions {
			return limitExceeded("A managed policy can have up to %d versions. Before you create a new version, you must delete an existing version.", maxPolicyVersions)
		}
		v.VersionID = fmt.Sprintf("v%d", next)
		if _, err := tx.Exec(ctx, `INSERT INTO iam_policy_versions (policy_arn, version_id, document, create_time) VALUES (?, ?, ?, ?)`,
			p.ARN, v.VersionID, doc, millis(v.Created)); err != nil {
			return err
		}
		def := p.DefaultVersion
		if setAsDefault {
			def = v.VersionID
		}
		_, err = tx.Exec(ctx, `UPDATE iam_policies SET next_version = ?, default_version = ?, update_time = ? WHERE arn = ?`,
			next+1, def, millis(v.Created), arn)
		return err
	})
	if err != nil {
		return nil, dbErr("create policy version", err)
	}
	return v, nil
}

// GetPolicyVersion returns one version with its document.
func (s *Service) GetPolicyVersion(ctx context.Context, arn, versionID string) (*PolicyVersion, error) {
	if err := checkPolicyARN(arn); err != nil {
		return nil, err
	}
	if err := checkVersionID(versionID); err != nil {
		return nil, err
	}
	var v *PolicyVersion
	err := s.view(ctx, func(tx *meta.Tx) error {
		p, err := s.loadPolicy(ctx, tx, arn)
		if err != nil {
			return err
		}
		if p.awsManaged {
			return s.awsManagedVersion(p, versionID, &v)
		}
		v = &PolicyVersion{VersionID: versionID, IsDefault: versionID == p.DefaultVersion}
		var created int64
		err = tx.QueryRow(ctx, `SELECT document, create_time FROM iam_policy_versions WHERE policy_arn = ? AND version_id = ?`,
			arn, versionID).Scan(&v.Document, &created)
		if meta.IsNoRows(err) {
			return noSuchEntity("Policy %s version %s does not exist.", arn, versionID)
		}
		v.Created = fromMillis(created)
		return err
	})
	return v, dbErr("get policy version", err)
}

func (s *Service) awsManagedVersion(p *Policy, versionID string, out **PolicyVersion) error {
	if versionID != p.DefaultVersion {
		return noSuchEntity("Policy %s version %s does not exist.", p.ARN, versionID)
	}
	doc, ok := managedPolicyDocument(p.ARN)
	if !ok {
		return invalidInput("The document of AWS managed policy %s is not available in this Shoal build yet.", p.ARN)
	}
	*out = &PolicyVersion{VersionID: versionID, Document: doc, IsDefault: true, Created: p.Created}
	return nil
}

// ListPolicyVersions lists a policy's versions, newest first.
func (s *Service) ListPolicyVersions(ctx context.Context, arn string, page Page) ([]*PolicyVersion, string, error) {
	if err := checkPolicyARN(arn); err != nil {
		return nil, "", err
	}
	var versions []*PolicyVersion
	err := s.view(ctx, func(tx *meta.Tx) error {
		p, err := s.loadPolicy(ctx, tx, arn)
		if err != nil || p.awsManaged {
			if err == nil {
				versions = []*PolicyVersion{{VersionID: p.DefaultVersion, IsDefault: true, Created: p.Created}}
			}
			return err
		}
		rows, err := tx.Query(ctx, `SELECT version_id, create_time FROM iam_policy_versions WHERE policy_arn = ?`, arn)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			v := &PolicyVersion{}
			var created int64
			if err := rows.Scan(&v.VersionID, &created); err != nil {
				return err
			}
			v.Created, v.IsDefault = fromMillis(created), v.VersionID == p.DefaultVersion
			versions = append(versions, v)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, "", dbErr("list policy versions", err)
	}
	// Newest first: the sort key counts down.
	return paginate(versions, func(v *PolicyVersion) string { return fmt.Sprintf("%010d", 1<<30-versionNumber(v.VersionID)) }, page)
}

// DeletePolicyVersion deletes a version other than the default.
func (s *Service) DeletePolicyVersion(ctx context.Context, arn, versionID string) error {
	if err := checkPolicyARN(arn); err != nil {
		return err
	}
	if err := checkVersionID(versionID); err != nil {
		return err
	}
	return dbErr("delete policy version", s.update(ctx, func(tx *meta.Tx) error {
		p, err := s.loadCustomerPolicy(ctx, tx, arn, "delete a version of")
		if err != nil {
			return err
		}
		if versionID == p.DefaultVersion {
			return deleteConflict("Cannot delete the default version of a policy.")
		}
		res, err := tx.Exec(ctx, `DELETE FROM iam_policy_versions WHERE policy_arn = ? AND version_id = ?`, arn, versionID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return noSuchEntity("Policy %s version %s does not exist.", arn, versionID)
		}
		return nil
	}))
}

// SetDefaultPolicyVersion makes an existing version the default.
func (s *Service) SetDefaultPolicyVersion(ctx context.Context, arn, versionID string) error {
	if err := checkPolicyARN(arn); err != nil {
		return err
	}
	if err := checkVersionID(versionID); err != nil {
		return err
	}
	return dbErr("set default policy version", s.update(ctx, func(tx *meta.Tx) error {
		if _, err := s.loadCustomerPolicy(ctx, tx, arn, "change"); err != nil {
			return err
		}
		exists, err := rowExists(ctx, tx, `SELECT 1 FROM iam_policy_versions WHERE policy_arn = ? AND version_id = ?`, arn, versionID)
		if err != nil {
			return err
		}
		if !exists {
			return noSuchEntity("Policy %s version %s does not exist.", arn, versionID)
		}
		_, err = tx.Exec(ctx, `UPDATE iam_policies SET default_version = ?, update_time = ? WHERE arn = ?`, versionID, millis(s.now()), arn)
		return err
	}))
}
