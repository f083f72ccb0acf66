package crawler

import (
	"fmt"
	"math/bits"
	"strconv"
	"strings"
	"time"
)

// Cron is a parsed Glue schedule, cron(Minutes Hours Day-of-month Month
// Day-of-week Year), evaluated in UTC as Glue does.
type Cron struct {
	expr    string
	minutes uint64 // bit i set: minute i
	hours   uint64
	months  uint64 // bits 1..12
	years   [4]uint64
	dom     domSpec
	dow     dowSpec
}

// Year bounds of Glue's cron.
const (
	minCronYear = 1970
	maxCronYear = 2199
)

// domSpec is the day-of-month field: a day set, L (last day), LW (last
// weekday) or nW (weekday nearest day n); any is "?".
type domSpec struct {
	any         bool
	days        uint64
	last        bool
	lastWeekday bool
	nearest     []int
}

// dowSpec is the day-of-week field (1=SUN..7=SAT): a day set, nL (last
// weekday n of the month) or n#k (k-th weekday n); any is "?".
type dowSpec struct {
	any    bool
	days   uint64
	lastOf []int
	nth    [][2]int // {weekday, k}
}

var (
	monthNames = []string{"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}
	dayNames   = []string{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}
)

// fieldRange describes one plain cron field.
type fieldRange struct {
	name     string
	min, max int
	names    []string // names[i] stands for the value min+i
}

var (
	minuteField = fieldRange{name: "Minutes", min: 0, max: 59}
	hourField   = fieldRange{name: "Hours", min: 0, max: 23}
	domField    = fieldRange{name: "Day-of-month", min: 1, max: 31}
	monthField  = fieldRange{name: "Month", min: 1, max: 12, names: monthNames}
	dowField    = fieldRange{name: "Day-of-week", min: 1, max: 7, names: dayNames}
	yearField   = fieldRange{name: "Year", min: minCronYear, max: maxCronYear}
)

// ParseSchedule parses a Glue schedule expression, cron(...) with six
// fields. Errors describe what is wrong, for InvalidInputException.
func ParseSchedule(expr string) (*Cron, error) {
	body, ok := strings.CutPrefix(strings.TrimSpace(expr), "cron(")
	if !ok || !strings.HasSuffix(body, ")") {
		return nil, fmt.Errorf("schedule expression %q must have the form cron(Minutes Hours Day-of-month Month Day-of-week Year)", expr)
	}
	f := strings.Fields(strings.TrimSuffix(body, ")"))
	if len(f) != 6 {
		return nil, fmt.Errorf("schedule expression %q has %d fields; cron expressions have six: Minutes Hours Day-of-month Month Day-of-week Year", expr, len(f))
	}
	c := &Cron{expr: expr}
	var err error
	if c.minutes, err = parseField(f[0], minuteField); err != nil {
		return nil, err
	}
	if c.hours, err = parseField(f[1], hourField); err != nil {
		return nil, err
	}
	if c.dom, err = parseDOM(f[2]); err != nil {
		return nil, err
	}
	if c.months, err = parseField(f[3], monthField); err != nil {
		return nil, err
	}
	if c.dow, err = parseDOW(f[4]); err != nil {
		return nil, err
	}
	if c.dom.any == c.dow.any {
		return nil, fmt.Errorf("schedule expression %q: use ? in exactly one of Day-of-month and Day-of-week", expr)
	}
	if err := c.parseYears(f[5]); err != nil {
		return nil, err
	}
	return c, nil
}

// String returns the expression as written.
func (c *Cron) String() string { return c.expr }

func (c *Cron) parseYears(s string) error {
	for _, item := range strings.Split(s, ",") {
		lo, hi, step, err := parseItem(item, yearField)
		if err != nil {
			return err
		}
		if lo > hi {
			return fmt.Errorf("Year field: range %q runs backwards", item)
		}
		for y := lo; y <= hi; y += step {
			i := y - minCronYear
			c.years[i/64] |= 1 << (i % 64)
		}
	}
	return nil
}

func (c *Cron) yearOK(y int) bool {
	if y < minCronYear || y > maxCronYear {
		return false
	}
	i := y - minCronYear
	return c.years[i/64]&(1<<(i%64)) != 0
}

// parseField parses a list of values, ranges and steps into a bit set.
func parseField(s string, fr fieldRange) (uint64, error) {
	var set uint64
	for _, item := range strings.Split(s, ",") {
		lo, hi, step, err := parseItem(item, fr)
		if err != nil {
			return 0, err
		}
		for v := lo; v <= hi; v += step {
			set |= 1 << v
		}
		if lo > hi { // a wrapping range such as FRI-MON
			for v := lo; v <= fr.max; v += step {
				set |= 1 << v
			}
			for v := fr.min; v <= hi; v++ {
				set |= 1 << v
			}
		}
	}
	return set, nil
}

// parseItem parses "*", "*/s", "a", "a-b", "a/s" or "a-b/s".
func parseItem(item string, fr fieldRange) (lo, hi, step int, err error) {
	rng, stepText, hasStep := strings.Cut(item, "/")
	step = 1
	if hasStep {
		if step, err = strconv.Atoi(stepText); err != nil || step < 1 || step > fr.max {
			return 0, 0, 0, fmt.Errorf("%s field: invalid increment %q", fr.name, stepText)
		}
	}
	switch {
	case rng == "*":
		return fr.min, fr.max, step, nil
	case strings.Contains(rng, "-"):
		a, b, _ := strings.Cut(rng, "-")
		if lo, err = fieldValue(a, fr); err != nil {
			return 0, 0, 0, err
		}
		if hi, err = fieldValue(b, fr); err != nil {
			return 0, 0, 0, err
		}
		return lo, hi, step, nil
	}
	if lo, err = fieldValue(rng, fr); err != nil {
		return 0, 0, 0, err
	}
	if hasStep {
		return lo, fr.max, step, nil
	}
	return lo, lo, 1, nil
}

func fieldValue(s string, fr fieldRange) (int, error) {
	for i, n := range fr.names {
		if strings.EqualFold(s, n) {
			return fr.min + i, nil
		}
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < fr.min || v > fr.max {
		return 0, fmt.Errorf("%s field: %q is not a value between %d and %d", fr.name, s, fr.min, fr.max)
	}
	return v, nil
}

func parseDOM(s string) (domSpec, error) {
	var d domSpec
	if s == "?" {
		return domSpec{any: true}, nil
	}
	for _, item := range strings.Split(s, ",") {
		switch {
		case item == "L":
			d.last = true
		case item == "LW":
			d.lastWeekday = true
		case strings.HasSuffix(item, "W"):
			n, err := fieldValue(strings.TrimSuffix(item, "W"), domField)
			if err != nil {
				return d, err
			}
			d.nearest = append(d.nearest, n)
		default:
			set, err := parseField(item, domField)
			if err != nil {
				return d, err
			}
			d.days |= set
		}
	}
	return d, nil
}

func parseDOW(s string) (dowSpec, error) {
	var d dowSpec
	if s == "?" {
		return dowSpec{any: true}, nil
	}
	for _, item := range strings.Split(s, ",") {
		switch {
		case item == "L":
			d.days |= 1 << 7 // the last day of the week, Saturday
		case strings.Contains(item, "#"):
			a, b, _ := strings.Cut(item, "#")
			day, err := fieldValue(a, dowField)
			if err != nil {
				return d, err
			}
			k, err := strconv.Atoi(b)
			if err != nil || k < 1 || k > 5 {
				return d, fmt.Errorf("Day-of-week field: %q: the number after # must be between 1 and 5", item)
			}
			d.nth = append(d.nth, [2]int{day, k})
		case len(item) > 1 && strings.HasSuffix(item, "L"):
			day, err := fieldValue(strings.TrimSuffix(item, "L"), dowField)
			if err != nil {
				return d, err
			}
			d.lastOf = append(d.lastOf, day)
		default:
			set, err := parseField(item, dowField)
			if err != nil {
				return d, err
			}
			d.days |= set
		}
	}
	return d, nil
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// dayOK reports whether the date matches the day fields.
func (c *Cron) dayOK(t time.Time) bool {
	if c.dom.any {
		return c.dow.match(t)
	}
	return c.dom.match(t)
}

func (d domSpec) match(t time.Time) bool {
	day, last := t.Day(), daysIn(t.Year(), t.Month())
	if d.days&(1<<day) != 0 || (d.last && day == last) {
		return true
	}
	if d.lastWeekday && day == nearestWeekday(t, last) {
		return true
	}
	for _, n := range d.nearest {
		if n <= last && day == nearestWeekday(t, n) {
			return true
		}
	}
	return false
}

// nearestWeekday is the weekday (Mon–Fri) nearest day n of t's month,
// never leaving the month, as Quartz-style W does.
func nearestWeekday(t time.Time, n int) int {
	last := daysIn(t.Year(), t.Month())
	switch time.Date(t.Year(), t.Month(), n, 0, 0, 0, 0, time.UTC).Weekday() {
	case time.Saturday:
		if n == 1 {
			return 3
		}
		return n - 1
	case time.Sunday:
		if n == last {
			return n - 2
		}
		return n + 1
	}
	return n
}

func (d dowSpec) match(t time.Time) bool {
	wd := int(t.Weekday()) + 1 // 1=SUN
	if d.days&(1<<wd) != 0 {
		return true
	}
	last := daysIn(t.Year(), t.Month())
	for _, day := range d.lastOf {
		if day == wd && t.Day()+7 > last {
			return true
		}
	}
	for _, nk := range d.nth {
		if nk[0] == wd && (t.Day()-1)/7+1 == nk[1] {
			return true
		}
	}
	return false
}

// Next returns the first fire time strictly after t, or the zero time when
// the schedule never fires again.
func (c *Cron) Next(t time.Time) time.Time {
	t = t.UTC().Truncate(time.Minute).Add(time.Minute)
	for t.Year() <= maxCronYear {
		switch {
		case !c.yearOK(t.Year()):
			t = time.Date(t.Year()+1, 1, 1, 0, 0, 0, 0, time.UTC)
		case c.months&(1<<int(t.Month())) == 0:
			t = time.Date(t.Year(), t.Month()+1, 1, 0, 0, 0, 0, time.UTC)
		case !c.dayOK(t):
			t = time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, time.UTC)
		case c.hours&(1<<t.Hour()) == 0:
			t = time.Date(t.Year(), t.Month(), t.Day(), t.Hour()+1, 0, 0, 0, time.UTC)
		default:
			m := nextBit(c.minutes, t.Minute())
			if m < 0 {
				t = time.Date(t.Year(), t.Month(), t.Day(), t.Hour()+1, 0, 0, 0, time.UTC)
				continue
			}
			return t.Add(time.Duration(m-t.Minute()) * time.Minute)
		}
	}
	return time.Time{}
}

// nextBit is the lowest set bit of set at or above from, or -1.
func nextBit(set uint64, from int) int {
	rest := set >> from
	if rest == 0 {
		return -1
	}
	return from + bits.TrailingZeros64(rest)
}
