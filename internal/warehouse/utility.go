package warehouse

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/shoal-dev/shoal/internal/query"
)

// showValues are the defaults SHOW reports, matching ParameterStatus.
var showValues = map[string]string{
	"server_version":                  serverVersion,
	"server_encoding":                 "UTF8",
	"client_encoding":                 "UTF8",
	"datestyle":                       "ISO, MDY",
	"timezone":                        "UTC",
	"standard_conforming_strings":     "on",
	"transaction_isolation":           "serializable",
	"default_transaction_isolation":   "serializable",
	"transaction_read_only":           "off",
	"default_transaction_read_only":   "off",
	"search_path":                     `"$user", public`,
	"server_version_num":              serverVersionNum,
	"max_index_keys":                  "32",
	"max_identifier_length":           "63",
	"lc_collate":                      "C",
	"lc_ctype":                        "C",
	"application_name":                "",
	"extra_float_digits":              "1",
	"client_min_messages":             "notice",
	"statement_timeout":               "0",
	"query_group":                     "default",
	"enable_result_cache_for_session": "on",
	"intervalstyle":                   "postgres",
	"integer_datetimes":               "on",
	"is_superuser":                    "off",
}

// fixedValues are settings a client may SET only to what the warehouse
// already does; anything else would be accepted and not honoured.
var fixedValues = map[string][]string{
	"timezone":                    {"utc", "gmt", "etc/utc", "z", "zulu"},
	"datestyle":                   {"iso, mdy", "iso", "iso,mdy"},
	"client_encoding":             {"utf8", "unicode", "utf-8"},
	"standard_conforming_strings": {"on"},
	"intervalstyle":               {"postgres"},
}

// freeSettings only label the session or tune what the server says,
// never what a query returns: they are kept for SHOW.
var freeSettings = words(`application_name extra_float_digits client_min_messages query_group
	enable_result_cache_for_session statement_timeout search_path`)

// serverVersionNum is server_version as a number (Grafana reads it).
const serverVersionNum = "150000"

// sessionStatement handles SET, RESET, SHOW and transaction control; ok
// is false for anything else.
func (e *engine) sessionStatement(ctx context.Context, c *conn, toks []token) (*result, bool, error) {
	switch first := toks[0].name(); first {
	case "begin", "start":
		return c.begin(ctx, strings.ToUpper(first), toks[1:])
	case "commit", "end", "rollback", "abort":
		return c.finish(ctx, first == "commit" || first == "end")
	case "set":
		if res, ok, err := c.setTransaction(toks[1:]); ok {
			return res, true, err
		}
		res, err := e.set(ctx, c, toks[1:])
		return res, true, err
	case "reset":
		if len(toks) == 2 && toks[1].is("all") {
			clear(c.settings)
		} else if len(toks) == 2 {
			delete(c.settings, toks[1].name())
		} else {
			return nil, true, syntaxError("RESET takes one parameter name or ALL")
		}
		return &result{tag: "RESET"}, true, nil
	case "show":
		res, err := c.show(toks[1:])
		return res, true, err
	case "discard":
		clear(c.settings)
		return &result{tag: "DISCARD ALL"}, true, nil
	}
	return nil, false, nil
}

func (c *conn) begin(ctx context.Context, tag string, toks []token) (*result, bool, error) {
	if tag == "START" {
		tag = "START TRANSACTION"
	}
	if len(toks) > 0 && (toks[0].is("transaction") || toks[0].is("work")) {
		toks = toks[1:]
	}
	ro, err := txModes(toks)
	if err != nil {
		return nil, true, err
	}
	if c.inTx {
		return &result{tag: tag, notices: []notice{{"WARNING", "there is already a transaction in progress"}}}, true, nil
	}
	if err := execAll(ctx, c, "BEGIN TRANSACTION"); err != nil {
		return nil, true, err
	}
	c.inTx = true
	def, _ := c.setting("default_transaction_read_only")
	c.txReadOnly = def == "on"
	if ro != nil {
		c.txReadOnly = *ro
	}
	return &result{tag: tag}, true, nil
}

// finish ends the transaction; COMMIT of a failed one rolls back, as in
// Postgres.
func (c *conn) finish(ctx context.Context, commit bool) (*result, bool, error) {
	if !c.inTx {
		tag := "ROLLBACK"
		if commit {
			tag = "COMMIT"
		}
		return &result{tag: tag, notices: []notice{{"WARNING", "there is no transaction in progress"}}}, true, nil
	}
	stmt, tag := "ROLLBACK", "ROLLBACK"
	if commit && !c.failed {
		stmt, tag = "COMMIT", "COMMIT"
	}
	c.inTx, c.failed = false, false
	if err := execAll(ctx, c, stmt); err != nil {
		return nil, true, err
	}
	return &result{tag: tag}, true, nil
}

// set handles SET [SESSION|LOCAL] name {TO|=} value[, ...] and
// SET TIME ZONE value.
func (e *engine) set(ctx context.Context, c *conn, toks []token) (*result, error) {
	if len(toks) > 0 && (toks[0].is("session") || toks[0].is("local")) {
		toks = toks[1:]
	}
	if len(toks) < 2 {
		return nil, syntaxError("SET needs a parameter and a value")
	}
	name, rest := toks[0].name(), toks[1:]
	if toks[0].is("time") && toks[1].is("zone") {
		name, rest = "timezone", toks[2:]
	} else if rest[0].is("to") || rest[0].isPunct("=") {
		rest = rest[1:]
	}
	var parts []string
	for _, t := range rest {
		switch {
		case t.isPunct(","):
		case t.kind == tString:
			parts = append(parts, t.str())
		case t.kind == tQuoted:
			parts = append(parts, t.name())
		default:
			parts = append(parts, t.text)
		}
	}
	value := strings.Join(parts, ", ")
	if err := e.applySetting(ctx, c, name, value, parts); err != nil {
		return nil, err
	}
	c.settings[name] = value
	return &result{tag: "SET"}, nil
}

func (e *engine) applySetting(ctx context.Context, c *conn, name, value string, parts []string) error {
	if allowed, ok := fixedValues[name]; ok {
		for _, a := range allowed {
			if strings.EqualFold(strings.ReplaceAll(value, " ", ""), strings.ReplaceAll(a, " ", "")) || strings.EqualFold(value, "default") {
				return nil
			}
		}
		return newPGError(codeFeatureNotSupported, fmt.Sprintf("%s %q is not supported; the warehouse runs with %s", name, value, showValues[name]))
	}
	if !freeSettings[name] {
		return newPGError(codeUndefinedObject, fmt.Sprintf("unrecognized configuration parameter %q", name))
	}
	switch name {
	case "search_path":
		var schemas []string
		for _, p := range parts {
			if p != "$user" && p != "" {
				schemas = append(schemas, p)
			}
		}
		if len(schemas) == 0 {
			schemas = []string{"public"}
		}
		return execAll(ctx, c, "SET search_path = "+quoteString(strings.Join(schemas, ",")))
	case "extra_float_digits":
		return checkFloatDigits(value)
	case "statement_timeout":
		if _, err := parseTimeout(value); err != nil {
			return newPGError(codeInvalidParameterValue, fmt.Sprintf("invalid value for parameter \"statement_timeout\": %q", value))
		}
	}
	return nil
}

// parseTimeout reads statement_timeout: milliseconds, or a number with a
// unit ("5s", "1min").
func parseTimeout(v string) (time.Duration, error) {
	v = strings.TrimSpace(v)
	if v == "" || v == "0" || strings.EqualFold(v, "default") {
		return 0, nil
	}
	var n int64
	var unit string
	if _, err := fmt.Sscanf(v, "%d%s", &n, &unit); err != nil && unit == "" {
		if _, err := fmt.Sscanf(v, "%d", &n); err != nil {
			return 0, err
		}
	}
	mult := map[string]time.Duration{"": time.Millisecond, "ms": time.Millisecond, "s": time.Second, "min": time.Minute, "h": time.Hour}
	m, ok := mult[strings.ToLower(unit)]
	if !ok || n < 0 {
		return 0, fmt.Errorf("bad timeout %q", v)
	}
	return time.Duration(n) * m, nil
}

// timeout is the session's statement_timeout (0: none).
func (c *conn) timeout() time.Duration {
	d, _ := parseTimeout(c.settings["statement_timeout"])
	return d
}

func (c *conn) show(toks []token) (*result, error) {
	switch {
	case len(toks) == 2 && toks[0].is("time") && toks[1].is("zone"):
		toks = []token{{kind: tIdent, text: "timezone"}}
	case len(toks) == 3 && toks[0].is("transaction") && toks[1].is("isolation") && toks[2].is("level"):
		toks = []token{{kind: tIdent, text: "transaction_isolation"}}
	case len(toks) == 1 && toks[0].is("all"):
		return c.showAll(), nil
	}
	if len(toks) != 1 {
		return nil, syntaxError("SHOW takes one parameter name")
	}
	name := toks[0].name()
	value, ok := c.setting(name)
	if !ok {
		return nil, newPGError(codeUndefinedObject, fmt.Sprintf("unrecognized configuration parameter %q", name))
	}
	return &result{tag: "SHOW", rows: &query.Rowset{
		Columns: []query.ColumnInfo{{Name: name, Label: name, Type: "varchar"}},
		Rows:    [][]any{{value}},
	}}, nil
}

// setting is a parameter's value in the session: what SET gave, else
// the default.
func (c *conn) setting(name string) (string, bool) {
	if v, ok := c.settings[name]; ok {
		return v, true
	}
	v, ok := showValues[name]
	return v, ok
}

// showAll is SHOW ALL: name, setting, description of every parameter.
func (c *conn) showAll() *result {
	rows := [][]any{}
	for _, n := range c.settingNames() {
		v, _ := c.setting(n)
		rows = append(rows, []any{n, v, ""})
	}
	cols := []query.ColumnInfo{{Name: "name", Label: "name", Type: "varchar"}, {Name: "setting", Label: "setting", Type: "varchar"},
		{Name: "description", Label: "description", Type: "varchar"}}
	return &result{tag: "SHOW", rows: &query.Rowset{Columns: cols, Rows: rows}}
}
