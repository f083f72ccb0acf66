package query

import (
	"context"
	"fmt"
	"regexp"
)

var workGroupName = regexp.MustCompile(`^[a-zA-Z0-9._-]{1,128}$`)

// CreateWorkGroup creates a workgroup.
func (s *Service) CreateWorkGroup(ctx context.Context, wg WorkGroup) error {
	if !workGroupName.MatchString(wg.Name) {
		return invalidRequest("WorkGroup name %q must be 1 to 128 characters of letters, digits, '.', '_' and '-'", wg.Name)
	}
	if wg.OutputLocation != "" {
		if _, _, err := parseS3(wg.OutputLocation); err != nil {
			return invalidRequest("%v", err)
		}
	}
	wg.State = "ENABLED"
	if wg.EngineVersion == "" {
		wg.EngineVersion = EngineVersion
	}
	wg.Created = s.now().UTC()
	return s.saveWorkGroup(ctx, &wg, true)
}

// GetWorkGroup returns a workgroup.
func (s *Service) GetWorkGroup(ctx context.Context, name string) (*WorkGroup, error) {
	return s.loadWorkGroup(ctx, name)
}

// ListWorkGroups lists every workgroup.
func (s *Service) ListWorkGroups(ctx context.Context) ([]WorkGroup, error) {
	wgs, err := s.listWorkGroups(ctx)
	if err != nil {
		return nil, fmt.Errorf("list workgroups: %w", err)
	}
	return wgs, nil
}

// WorkGroupUpdate changes some of a workgroup's settings; nil leaves one as is.
type WorkGroupUpdate struct {
	Description          *string
	State                *string
	OutputLocation       *string
	RemoveOutputLocation bool
	EnforceConfiguration *bool
	PublishMetrics       *bool
	BytesScannedCutoff   *int64
	RemoveCutoff         bool
	RequesterPays        *bool
	EngineVersion        *string
}

// UpdateWorkGroup applies u to a workgroup.
func (s *Service) UpdateWorkGroup(ctx context.Context, name string, u WorkGroupUpdate) error {
	wg, err := s.loadWorkGroup(ctx, name)
	if err != nil {
		return err
	}
	if u.State != nil {
		if *u.State != "ENABLED" && *u.State != "DISABLED" {
			return invalidRequest("State must be ENABLED or DISABLED")
		}
		wg.State = *u.State
	}
	if u.Description != nil {
		wg.Description = *u.Description
	}
	if u.OutputLocation != nil {
		if _, _, err := parseS3(*u.OutputLocation); err != nil {
			return invalidRequest("%v", err)
		}
		wg.OutputLocation = *u.OutputLocation
	}
	if u.RemoveOutputLocation {
		wg.OutputLocation = ""
	}
	if u.EnforceConfiguration != nil {
		wg.EnforceConfiguration = *u.EnforceConfiguration
	}
	if u.PublishMetrics != nil {
		wg.PublishMetrics = *u.PublishMetrics
	}
	if u.BytesScannedCutoff != nil {
		wg.BytesScannedCutoff = *u.BytesScannedCutoff
	}
	if u.RemoveCutoff {
		wg.BytesScannedCutoff = 0
	}
	if u.RequesterPays != nil {
		wg.RequesterPays = *u.RequesterPays
	}
	if u.EngineVersion != nil {
		wg.EngineVersion = *u.EngineVersion
	}
	return s.saveWorkGroup(ctx, wg, false)
}

// DeleteWorkGroup deletes a workgroup; "primary" cannot be deleted, and a
// workgroup with named queries or prepared statements needs recursive.
func (s *Service) DeleteWorkGroup(ctx context.Context, name string, recursive bool) error {
	if name == PrimaryWorkGroup {
		return invalidRequest("Primary workgroup cannot be deleted")
	}
	if _, err := s.loadWorkGroup(ctx, name); err != nil {
		return err
	}
	if !recursive {
		ids, err := s.ListNamedQueries(ctx, name)
		if err != nil {
			return err
		}
		ps, err := s.ListPreparedStatements(ctx, name)
		if err != nil {
			return err
		}
		if len(ids) > 0 || len(ps) > 0 {
			return invalidRequest("WorkGroup %s is not empty: delete its named queries and prepared statements, or set RecursiveDeleteOption", name)
		}
	}
	for _, q := range []string{
		`DELETE FROM query_named_queries WHERE workgroup = ?`,
		`DELETE FROM query_prepared_statements WHERE workgroup = ?`,
		`DELETE FROM query_workgroups WHERE name = ?`,
	} {
		if _, err := s.deleteRows(ctx, q, name); err != nil {
			return fmt.Errorf("delete workgroup %s: %w", name, err)
		}
	}
	return nil
}
