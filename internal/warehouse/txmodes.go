package warehouse

import (
	"fmt"
	"strconv"
	"strings"
)

// Transaction modes as Redshift takes them: every isolation level maps
// to SERIALIZABLE (DuckDB's snapshot isolation serializes a session's
// transaction against the others), and READ ONLY is enforced.

// txModes reads [ISOLATION LEVEL level] [READ ONLY | READ WRITE], in any
// order and comma-separated; readOnly is nil when no access mode is given.
func txModes(toks []token) (readOnly *bool, err error) {
	p := &parser{toks: toks}
	for !p.done() {
		switch {
		case p.acceptPunct(","):
		case p.accept("isolation", "level"):
			if !(p.accept("serializable") || p.accept("repeatable", "read") || p.accept("read", "committed") ||
				p.accept("read", "uncommitted") || p.accept("snapshot")) {
				return nil, p.errorf("unknown isolation level")
			}
		case p.accept("read", "only"):
			v := true
			readOnly = &v
		case p.accept("read", "write"):
			v := false
			readOnly = &v
		case p.accept("not", "deferrable"), p.accept("deferrable"):
		default:
			return nil, p.errorf("unexpected transaction mode")
		}
	}
	return readOnly, nil
}

// setTransaction handles SET TRANSACTION modes (this transaction) and
// SET SESSION CHARACTERISTICS AS TRANSACTION modes (the session default);
// toks start after SET.
func (c *conn) setTransaction(toks []token) (*result, bool, error) {
	session := false
	switch {
	case len(toks) >= 4 && toks[0].is("session") && toks[1].is("characteristics") && toks[2].is("as") && toks[3].is("transaction"):
		toks, session = toks[4:], true
	case len(toks) >= 1 && toks[0].is("transaction"):
		toks = toks[1:]
	default:
		return nil, false, nil
	}
	ro, err := txModes(toks)
	if err != nil || ro == nil {
		return &result{tag: "SET"}, true, err
	}
	if session {
		c.settings["default_transaction_read_only"] = onOff(*ro)
	} else if c.inTx {
		c.txReadOnly = *ro
	}
	return &result{tag: "SET"}, true, nil
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// readOnly reports whether writes are refused now.
func (c *conn) readOnly() bool {
	if c.inTx {
		return c.txReadOnly
	}
	v, _ := c.setting("default_transaction_read_only")
	return v == "on"
}

// writeVerbs are the statements a read-only transaction refuses.
var writeVerbs = words(`insert update delete truncate alter create drop copy refresh comment grant revoke vacuum`)

// checkReadOnly refuses a write in a read-only transaction, as Postgres.
func (c *conn) checkReadOnly(toks []token) error {
	if len(toks) == 0 || !writeVerbs[toks[0].name()] || !c.readOnly() {
		return nil
	}
	return newPGError(codeReadOnlyTransaction, fmt.Sprintf("cannot execute %s in a read-only transaction", strings.ToUpper(toks[0].name())))
}

// checkFloatDigits accepts extra_float_digits 1 to 3: floats are always
// sent in their shortest exact form, which is what those values ask for;
// 0 and below ask for rounding, which the warehouse does not do.
func checkFloatDigits(v string) error {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 1 || n > 3 {
		return newPGError(codeFeatureNotSupported, fmt.Sprintf("extra_float_digits %q is not supported; floats are sent in shortest exact form (extra_float_digits 1 to 3)", v))
	}
	return nil
}
