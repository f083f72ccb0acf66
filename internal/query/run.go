package query

import (
	"context"
	"errors"
	"strings"
	"time"
)

// run executes one execution in the background and records its end.
func (s *Service) run(ctx context.Context, r *running) {
	defer s.wg.Done()
	defer r.cancel()
	e := s.snapshot(r)

	var (
		w        *resultWriter
		err      error
		scanned  int64
		planning time.Duration
		started  time.Time
	)
	select {
	case s.slots <- struct{}{}:
		started = s.now()
		s.update(r, func(x *Execution) { x.State = StateRunning })
		var res *execResult
		res, err = s.execute(withAccess(ctx, r.access), e)
		if res != nil {
			w, scanned, planning = res.writer, res.scanned, res.planning
			e.Columns, e.Header, e.UpdateCount = res.columns, res.header, res.updateCount
		}
		<-s.slots
	case <-ctx.Done():
		err = ctx.Err()
		started = s.now()
	}
	// The end is recorded even when Close cancelled the execution.
	persist := context.WithoutCancel(ctx)
	if err != nil {
		w.discard()
	} else {
		e.Rows, e.Preview = w.rows, w.preview
		if err = s.putResult(persist, e, w); err != nil {
			err = &QueryError{Category: CategorySystem, Type: TypeResultWrite, Code: "HIVE_PATH_ALREADY_EXISTS", Message: "Unable to write the query result: " + err.Error(), Err: err}
		}
	}
	end := s.now()
	s.mu.Lock()
	stopped := r.stopped
	s.mu.Unlock()
	switch {
	case err == nil:
		e.State = StateSucceeded
	case stopped && (errors.Is(err, context.Canceled) || ctx.Err() != nil):
		e.State, e.StateChangeReason = StateCancelled, "Query cancelled by user"
		e.Columns, e.Preview = nil, nil
	default:
		if ctx.Err() != nil && !stopped {
			err = &QueryError{Category: CategorySystem, Type: TypeInternal, Code: ErrInternal, Message: "Query was interrupted by a server shutdown"}
		}
		qe := asQueryError(err)
		e.State, e.StateChangeReason = StateFailed, qe.Error()
		e.Error = &ExecutionError{Category: qe.Category, Type: qe.Type, Message: qe.Error()}
		e.Columns, e.Preview = nil, nil
		if qe.Category == CategorySystem {
			s.logger.Error("query failed", "id", e.ID, "err", err)
		}
	}
	e.Completed = end.UTC()
	e.Stats = Statistics{
		DataScannedInBytes:          scanned,
		QueryQueueTimeInMillis:      started.Sub(e.Submitted).Milliseconds(),
		EngineExecutionTimeInMillis: end.Sub(started).Milliseconds(),
		QueryPlanningTimeInMillis:   planning.Milliseconds(),
		TotalExecutionTimeInMillis:  end.Sub(e.Submitted).Milliseconds(),
	}
	e.Stats.ServiceProcessingTimeInMillis = max(0, e.Stats.TotalExecutionTimeInMillis-e.Stats.EngineExecutionTimeInMillis-e.Stats.QueryQueueTimeInMillis)
	if perr := s.putExecution(persist, e); perr != nil {
		s.logger.Error("record query execution", "id", e.ID, "err", perr)
	}
	s.mu.Lock()
	delete(s.active, e.ID)
	s.mu.Unlock()
}

func (s *Service) snapshot(r *running) *Execution {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := *r.exec
	return &c
}

func (s *Service) update(r *running, fn func(*Execution)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := *r.exec
	fn(&c)
	r.exec = &c
}

// execResult is what a statement produced.
type execResult struct {
	writer      *resultWriter
	columns     []ColumnInfo
	header      bool
	scanned     int64
	planning    time.Duration // resolving tables and translating
	updateCount int64
}

// execute runs one statement.
func (s *Service) execute(ctx context.Context, e *Execution) (*execResult, error) {
	// Checked first, so that a query whose result cannot be written does
	// no work.
	if bucket, key, err := parseS3(e.OutputLocation); err != nil {
		return nil, err
	} else if err := checkWrite(ctx, bucket, key); err != nil {
		return nil, err
	}
	toks, err := lexCode(e.Query)
	if err != nil {
		return nil, err
	}
	for len(toks) > 0 && toks[len(toks)-1].isPunct(";") {
		toks = toks[:len(toks)-1]
	}
	if len(toks) == 0 {
		return nil, userError(ErrSyntax, "line 1:1: empty statement")
	}
	// PREPARE keeps its placeholders; EXECUTE passes the parameters on.
	if first := toks[0].name(); first != "prepare" && first != "execute" {
		if toks, err = substituteParams(e.Query, toks, e.ExecutionParameters); err != nil {
			return nil, err
		}
	}
	switch first := toks[0].name(); first {
	case "select", "with", "values", "table":
		return s.selectQuery(ctx, e, toks)
	case "execute":
		return s.executePrepared(ctx, e, toks)
	case "prepare", "deallocate":
		return s.prepareStatement(ctx, e, toks)
	case "explain":
		return s.explain(ctx, e, toks)
	case "create", "drop", "alter", "msck", "show", "describe", "desc":
		return s.ddl(ctx, e, toks)
	case "insert":
		return s.insertInto(ctx, e, toks)
	case "update", "delete", "merge", "unload", "vacuum", "optimize":
		return nil, userError(ErrNotSupported, "line %s: %s statements are not supported by Shoal", lineCol(e.Query, toks[0].pos), strings.ToUpper(first))
	default:
		if toks[0].isPunct("(") {
			return s.selectQuery(ctx, e, toks)
		}
		return nil, userError(ErrSyntax, "line %s: mismatched input '%s'. Expecting: 'ALTER', 'CREATE', 'DESCRIBE', 'DROP', 'EXECUTE', 'MSCK', 'SELECT', 'SHOW', 'WITH'", lineCol(e.Query, toks[0].pos), toks[0].text)
	}
}

// substituteParams replaces ? placeholders with the execution parameters,
// each of which must be one literal (so parameters cannot inject SQL).
func substituteParams(src string, toks []token, params []string) ([]token, error) {
	n := 0
	for _, t := range toks {
		if t.kind == tParam {
			n++
		}
	}
	if n != len(params) {
		if n == 0 && len(params) > 0 {
			return nil, userError(ErrGeneric, "The query has no parameters but %d execution parameters were given", len(params))
		}
		return nil, userError(ErrGeneric, "Incorrect number of parameters: expected %d but found %d", n, len(params))
	}
	if n == 0 {
		return toks, nil
	}
	out := make([]token, 0, len(toks))
	k := 0
	for _, t := range toks {
		if t.kind != tParam {
			out = append(out, t)
			continue
		}
		lit, err := literalTokens(params[k])
		if err != nil {
			return nil, userError(ErrGeneric, "Execution parameter %d (%q): %v", k+1, params[k], err)
		}
		k++
		lit[0].pre = t.pre
		out = append(out, lit...)
	}
	return out, nil
}

var literalWords = words(`true false null date timestamp time decimal varchar char interval day hour minute second month year`)

// literalTokens lexes a parameter that must be a single SQL literal.
func literalTokens(p string) ([]token, error) {
	toks, err := lexCode(p)
	if err != nil {
		return nil, err
	}
	if len(toks) == 0 {
		return nil, errors.New("empty parameter")
	}
	for _, t := range toks {
		switch {
		case t.kind == tString, t.kind == tNumber, t.isPunct("-"):
		case t.kind == tIdent && literalWords[t.name()]:
		default:
			return nil, errors.New("a parameter must be a literal value, e.g. 'text', 42 or DATE '2024-01-01'")
		}
	}
	for i := range toks {
		toks[i].pos = -1
	}
	return toks, nil
}
