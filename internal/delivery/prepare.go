package delivery

// prepSlot is one preparing goroutine's reusable state. Prepared records
// point into its slabs until apply copies them into partition buffers, so a
// slot is reset only at the start of the next ingest call.
type prepSlot struct {
	doc  flatDoc
	keys fastKeys
	rows rowBuilder
}

func (s *prepSlot) reset() {
	s.doc.scratch = s.doc.scratch[:0]
	s.rows.reset()
}

// prepareFast handles a record with one flat parse, the compiled query and
// flat rows; it returns false, having changed nothing in r, when the record
// needs the general path.
func (w *worker) prepareFast(sl *prepSlot, conv *converter, convErr error, r *prepared) bool {
	fq := w.plan.fastJQ
	if (w.plan.dynamic && fq == nil) || (w.plan.convert != nil && (convErr != nil || conv.flat == nil)) ||
		(!w.plan.dynamic && w.plan.convert == nil) {
		return false
	}
	if !sl.doc.parse(r.data) {
		return false
	}
	var part *partition
	if w.plan.dynamic {
		var ok bool
		if part, ok = fq.eval(&sl.doc, &sl.keys); !ok {
			return false
		}
	}
	if w.plan.convert != nil {
		cells, ok := conv.flatRow(&sl.doc, &sl.rows)
		if !ok {
			return false
		}
		r.cells = cells
	}
	if part != nil {
		r.pid, r.keys = part.id, part.keys
	}
	return true
}
