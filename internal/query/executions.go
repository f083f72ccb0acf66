package query

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"
)

// StartInput is StartQueryExecution's request.
type StartInput struct {
	Query               string
	Database            string
	Catalog             string
	OutputLocation      string
	WorkGroup           string
	ClientRequestToken  string
	ExecutionParameters []string
	// Access, when set, authorizes what the execution reads and writes
	// as its caller.
	Access Access
}

// StartQueryExecution validates and queues a query; it runs in the
// background. A repeated ClientRequestToken returns the first execution.
func (s *Service) StartQueryExecution(ctx context.Context, in StartInput) (string, error) {
	if in.Query == "" || len(in.Query) > 262144 {
		return "", invalidRequest("QueryString must be 1 to 262144 characters long")
	}
	if in.WorkGroup == "" {
		in.WorkGroup = PrimaryWorkGroup
	}
	if in.Catalog == "" {
		in.Catalog = "AwsDataCatalog"
	}
	if !strings.EqualFold(in.Catalog, "AwsDataCatalog") {
		return "", invalidRequest("Catalog %s does not exist: Shoal serves the AwsDataCatalog", in.Catalog)
	}
	if in.Database == "" {
		in.Database = "default"
	}
	if in.ClientRequestToken != "" {
		if n := utf8.RuneCountInString(in.ClientRequestToken); n < 32 || n > 128 {
			return "", invalidRequest("ClientRequestToken must be 32 to 128 characters long")
		}
		prev, err := s.executionByToken(ctx, in.WorkGroup, in.ClientRequestToken)
		if err != nil || prev != nil {
			if prev != nil {
				return prev.ID, nil
			}
			return "", err
		}
	}
	wg, err := s.loadWorkGroup(ctx, in.WorkGroup)
	if err != nil {
		return "", err
	}
	if wg.State == "DISABLED" {
		return "", invalidRequest("WorkGroup %s is disabled.", wg.Name)
	}
	out := in.OutputLocation
	if out == "" || wg.EnforceConfiguration && wg.OutputLocation != "" {
		out = wg.OutputLocation
	}
	if out == "" {
		return "", invalidRequest("No output location provided. An output location is required either through the Workgroup result configuration setting or as an API input.")
	}
	if _, _, err := parseS3(out); err != nil {
		return "", invalidRequest("%v", err)
	}
	id := uuid.NewString()
	kind := statementType(in.Query)
	ext := ".csv"
	if kind != StatementDML {
		ext = ".txt"
	}
	e := &Execution{
		ID: id, Query: in.Query, StatementType: kind, Database: strings.ToLower(in.Database), Catalog: in.Catalog,
		WorkGroup: wg.Name, OutputLocation: strings.TrimSuffix(out, "/") + "/" + id + ext,
		ExecutionParameters: in.ExecutionParameters, ClientRequestToken: in.ClientRequestToken,
		State: StateQueued, Submitted: s.now().UTC(),
	}
	if err := s.putExecution(ctx, e); err != nil {
		if isUniqueViolation(err) && in.ClientRequestToken != "" {
			// A concurrent request with the same token won.
			if prev, err := s.executionByToken(ctx, in.WorkGroup, in.ClientRequestToken); err == nil && prev != nil {
				return prev.ID, nil
			}
		}
		return "", fmt.Errorf("record execution: %w", err)
	}
	runCtx, cancel := context.WithCancel(s.base)
	r := &running{exec: e, cancel: cancel, access: in.Access}
	s.mu.Lock()
	s.active[id] = r
	s.mu.Unlock()
	s.wg.Add(1)
	go s.run(runCtx, r)
	return id, nil
}

// GetQueryExecution returns an execution's current state.
func (s *Service) GetQueryExecution(ctx context.Context, id string) (*Execution, error) {
	s.mu.Lock()
	if r, ok := s.active[id]; ok {
		c := *r.exec
		s.mu.Unlock()
		return &c, nil
	}
	s.mu.Unlock()
	return s.loadExecution(ctx, id)
}

// BatchGetQueryExecution returns the executions found and the ids not found.
func (s *Service) BatchGetQueryExecution(ctx context.Context, ids []string) ([]*Execution, []string, error) {
	var found []*Execution
	var missing []string
	for _, id := range ids {
		e, err := s.GetQueryExecution(ctx, id)
		var re *RequestError
		if errors.As(err, &re) {
			missing = append(missing, id)
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		found = append(found, e)
	}
	return found, missing, nil
}

// ListQueryExecutions pages through a workgroup's execution ids, newest first.
func (s *Service) ListQueryExecutions(ctx context.Context, workgroup, token string, max int) ([]string, string, error) {
	if workgroup == "" {
		workgroup = PrimaryWorkGroup
	}
	if _, err := s.loadWorkGroup(ctx, workgroup); err != nil {
		return nil, "", err
	}
	if max <= 0 || max > 50 {
		max = 50
	}
	return s.listExecutionIDs(ctx, workgroup, token, max)
}

// StopQueryExecution cancels a queued or running execution; stopping a
// finished one changes nothing, as in Athena.
func (s *Service) StopQueryExecution(ctx context.Context, id string) error {
	s.mu.Lock()
	r, ok := s.active[id]
	if ok {
		r.stopped = true
		r.cancel()
	}
	s.mu.Unlock()
	if ok {
		return nil
	}
	_, err := s.loadExecution(ctx, id)
	return err
}

// Results is one page of GetQueryResults.
type Results struct {
	Columns     []ColumnInfo
	Rows        [][]*string
	NextToken   string
	UpdateCount int64
}

// GetQueryResults returns a page of a succeeded execution's result rows,
// the header row first for SELECT, as Athena does.
func (s *Service) GetQueryResults(ctx context.Context, id, token string, max int) (*Results, error) {
	if max <= 0 || max > 1000 {
		max = 1000
	}
	e, err := s.GetQueryExecution(ctx, id)
	if err != nil {
		return nil, err
	}
	switch e.State {
	case StateSucceeded:
	case StateFailed:
		return nil, invalidRequest("%s", e.StateChangeReason)
	default:
		return nil, invalidRequest("Query has not yet finished. Current state: %s", e.State)
	}
	offset := 0
	if token != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(token, e.ID+":"))
		if err != nil || n < 0 || !strings.HasPrefix(token, e.ID+":") {
			return nil, invalidRequest("NextToken %q is not valid for query %s", token, e.ID)
		}
		offset = n
	}
	rows, more, err := s.readRows(ctx, e, offset, max)
	if err != nil {
		return nil, err
	}
	res := &Results{Columns: e.Columns, Rows: rows, UpdateCount: e.UpdateCount}
	if more {
		res.NextToken = fmt.Sprintf("%s:%d", e.ID, offset+len(rows))
	}
	return res, nil
}

// statementType classifies a statement by its first keyword.
func statementType(q string) string {
	toks, err := lexCode(q)
	if err != nil || len(toks) == 0 {
		return StatementDML
	}
	switch toks[0].name() {
	case "create", "drop", "alter", "msck", "show", "describe", "desc":
		return StatementDDL
	case "explain", "prepare", "deallocate":
		return StatementUtility
	}
	return StatementDML
}
