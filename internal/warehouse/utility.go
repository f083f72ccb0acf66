package warehouse

import (
	"strings"

	"github.com/shoal-dev/shoal/internal/query"
)

// utilityTags are session statements drivers and BI tools send on their
// own (pgjdbc's SET, ORMs' BEGIN/COMMIT). The warehouse is read-only and
// has no session settings yet, so they succeed without effect.
var utilityTags = map[string]string{
	"set":      "SET",
	"reset":    "RESET",
	"begin":    "BEGIN",
	"start":    "START TRANSACTION",
	"commit":   "COMMIT",
	"end":      "COMMIT",
	"rollback": "ROLLBACK",
	"abort":    "ROLLBACK",
	"discard":  "DISCARD ALL",
}

// utility answers a session statement locally: its command tag and, for
// SHOW, a one-row result. ok is false for statements for the engine.
func utility(sql string) (tag string, rows *query.Rowset, ok bool) {
	fields := strings.Fields(strings.TrimRight(strings.TrimSpace(sql), "; \t\r\n"))
	if len(fields) == 0 {
		return "", nil, false
	}
	first := strings.ToLower(fields[0])
	if first == "show" && len(fields) == 2 {
		name := strings.ToLower(strings.Trim(fields[1], `"`))
		value, known := showValues[name]
		if !known {
			return "", nil, false
		}
		return "SHOW", &query.Rowset{
			Columns: []query.ColumnInfo{{Name: name, Label: name, Type: "varchar"}},
			Rows:    [][]any{{value}},
		}, true
	}
	tag, ok = utilityTags[first]
	return tag, nil, ok
}

// showValues are the settings SHOW reports, matching ParameterStatus.
var showValues = map[string]string{
	"server_version":              serverVersion,
	"server_encoding":             "UTF8",
	"client_encoding":             "UTF8",
	"datestyle":                   "ISO, MDY",
	"timezone":                    "UTC",
	"standard_conforming_strings": "on",
	"transaction_isolation":       "serializable",
	"search_path":                 "$user, public",
}
