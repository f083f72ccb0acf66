package query

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/shoal-dev/shoal/internal/meta"
)

// Persistence of the service's objects in the metadata store.

func encode(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("encode: %w", err)
	}
	return string(b), nil
}

func decode(s string, v any) error {
	if err := json.Unmarshal([]byte(s), v); err != nil {
		return fmt.Errorf("decode stored definition: %w", err)
	}
	return nil
}

// putExecution inserts or replaces an execution.
func (s *Service) putExecution(ctx context.Context, e *Execution) error {
	spec, err := encode(e)
	if err != nil {
		return err
	}
	var token any
	if e.ClientRequestToken != "" {
		token = e.WorkGroup + "/" + e.ClientRequestToken
	}
	return s.store.Update(ctx, func(tx *meta.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE query_executions SET state = ?, spec = ? WHERE id = ?`, e.State, spec, e.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n > 0 {
			return nil
		}
		_, err = tx.Exec(ctx, `INSERT INTO query_executions (id, workgroup, client_token, submitted, state, spec) VALUES (?, ?, ?, ?, ?, ?)`,
			e.ID, e.WorkGroup, token, e.Submitted.UnixMilli(), e.State, spec)
		return err
	})
}

// executionByToken finds the execution started with a ClientRequestToken.
func (s *Service) executionByToken(ctx context.Context, workgroup, token string) (*Execution, error) {
	var spec string
	err := s.store.View(ctx, func(tx *meta.Tx) error {
		return tx.QueryRow(ctx, `SELECT spec FROM query_executions WHERE client_token = ?`, workgroup+"/"+token).Scan(&spec)
	})
	if meta.IsNoRows(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("look up client request token: %w", err)
	}
	e := &Execution{}
	return e, decode(spec, e)
}

func (s *Service) loadExecution(ctx context.Context, id string) (*Execution, error) {
	var spec string
	err := s.store.View(ctx, func(tx *meta.Tx) error {
		return tx.QueryRow(ctx, `SELECT spec FROM query_executions WHERE id = ?`, id).Scan(&spec)
	})
	if meta.IsNoRows(err) {
		return nil, invalidRequest("QueryExecution %s was not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("load execution %s: %w", id, err)
	}
	e := &Execution{}
	return e, decode(spec, e)
}

// listExecutionIDs pages through a workgroup's executions, newest first;
// the token is the offset.
func (s *Service) listExecutionIDs(ctx context.Context, workgroup, token string, max int) ([]string, string, error) {
	offset := 0
	if token != "" {
		n, err := strconv.Atoi(token)
		if err != nil || n < 0 {
			return nil, "", invalidRequest("NextToken %q is not valid", token)
		}
		offset = n
	}
	var ids []string
	err := s.listSpecs(ctx, `SELECT id FROM query_executions WHERE workgroup = ? ORDER BY submitted DESC, id LIMIT ? OFFSET ?`,
		func(id string) error { ids = append(ids, id); return nil }, workgroup, max+1, offset)
	if err != nil {
		return nil, "", fmt.Errorf("list executions: %w", err)
	}
	next := ""
	if len(ids) > max {
		ids, next = ids[:max], strconv.Itoa(offset+max)
	}
	return ids, next, nil
}

// failInterrupted marks executions a previous run left unfinished.
func (s *Service) failInterrupted(ctx context.Context) error {
	var specs []string
	err := s.listSpecs(ctx, `SELECT spec FROM query_executions WHERE state IN (?, ?)`,
		func(spec string) error { specs = append(specs, spec); return nil }, StateQueued, StateRunning)
	if err != nil {
		return fmt.Errorf("find interrupted executions: %w", err)
	}
	for _, spec := range specs {
		e := &Execution{}
		if err := decode(spec, e); err != nil {
			return err
		}
		e.State, e.Completed = StateFailed, s.now()
		e.StateChangeReason = "Query was interrupted by a server restart"
		e.Error = &ExecutionError{Category: CategorySystem, Type: TypeInternal, Message: e.StateChangeReason}
		if err := s.putExecution(ctx, e); err != nil {
			return err
		}
	}
	return nil
}

// Workgroups.

func (s *Service) loadWorkGroup(ctx context.Context, name string) (*WorkGroup, error) {
	var spec string
	err := s.store.View(ctx, func(tx *meta.Tx) error {
		return tx.QueryRow(ctx, `SELECT spec FROM query_workgroups WHERE name = ?`, name).Scan(&spec)
	})
	if meta.IsNoRows(err) {
		return nil, invalidRequest("WorkGroup %s is not found.", name)
	}
	if err != nil {
		return nil, fmt.Errorf("load workgroup %s: %w", name, err)
	}
	wg := &WorkGroup{}
	return wg, decode(spec, wg)
}

func (s *Service) saveWorkGroup(ctx context.Context, wg *WorkGroup, create bool) error {
	spec, err := encode(wg)
	if err != nil {
		return err
	}
	return s.store.Update(ctx, func(tx *meta.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM query_workgroups WHERE name = ?`, wg.Name).Scan(&n); err != nil {
			return err
		}
		switch {
		case create && n > 0:
			return invalidRequest("WorkGroup %s is already created", wg.Name)
		case !create && n == 0:
			return invalidRequest("WorkGroup %s is not found.", wg.Name)
		case create:
			_, err = tx.Exec(ctx, `INSERT INTO query_workgroups (name, spec, create_time) VALUES (?, ?, ?)`, wg.Name, spec, wg.Created.UnixMilli())
		default:
			_, err = tx.Exec(ctx, `UPDATE query_workgroups SET spec = ? WHERE name = ?`, spec, wg.Name)
		}
		return err
	})
}

func (s *Service) listWorkGroups(ctx context.Context) ([]WorkGroup, error) {
	var out []WorkGroup
	err := s.listSpecs(ctx, `SELECT spec FROM query_workgroups ORDER BY name`, func(spec string) error {
		var wg WorkGroup
		if err := decode(spec, &wg); err != nil {
			return err
		}
		out = append(out, wg)
		return nil
	})
	return out, err
}

// deleteRows deletes by a key; it reports whether a row existed.
func (s *Service) deleteRows(ctx context.Context, query string, args ...any) (bool, error) {
	var n int64
	err := s.store.Update(ctx, func(tx *meta.Tx) error {
		res, err := tx.Exec(ctx, query, args...)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n > 0, err
}

// Named queries and prepared statements.

func (s *Service) loadSpec(ctx context.Context, query string, v any, args ...any) (bool, error) {
	var spec string
	err := s.store.View(ctx, func(tx *meta.Tx) error {
		return tx.QueryRow(ctx, query, args...).Scan(&spec)
	})
	if meta.IsNoRows(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, decode(spec, v)
}

// listSpecs runs a query selecting one text column and calls each per row.
func (s *Service) listSpecs(ctx context.Context, query string, each func(spec string) error, args ...any) error {
	return s.store.View(ctx, func(tx *meta.Tx) error {
		rows, err := tx.Query(ctx, query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var spec string
			if err := rows.Scan(&spec); err != nil {
				return err
			}
			if err := each(spec); err != nil {
				return err
			}
		}
		return rows.Err()
	})
}

func isUniqueViolation(err error) bool {
	return err != nil && (strings.Contains(err.Error(), "UNIQUE constraint") || strings.Contains(err.Error(), "duplicate key"))
}
