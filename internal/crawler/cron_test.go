package crawler

import (
	"strings"
	"testing"
	"time"
)

func TestCronNext(t *testing.T) {
	from := time.Date(2026, 1, 15, 10, 7, 30, 0, time.UTC) // a Thursday
	tests := []struct {
		expr string
		want []string // successive fire times after from
	}{
		{"cron(15 12 * * ? *)", []string{"2026-01-15T12:15", "2026-01-16T12:15"}},
		{"cron(0/15 * * * ? *)", []string{"2026-01-15T10:15", "2026-01-15T10:30", "2026-01-15T10:45", "2026-01-15T11:00"}},
		{"cron(1/10 * * * ? *)", []string{"2026-01-15T10:11", "2026-01-15T10:21"}},
		{"cron(*/20 9-10 * * ? *)", []string{"2026-01-15T10:20", "2026-01-15T10:40", "2026-01-16T09:00"}},
		{"cron(0 18 ? * MON-FRI *)", []string{"2026-01-15T18:00", "2026-01-16T18:00", "2026-01-19T18:00"}},
		{"cron(0 8 1 * ? *)", []string{"2026-02-01T08:00", "2026-03-01T08:00"}},
		{"cron(0 0 L * ? *)", []string{"2026-01-31T00:00", "2026-02-28T00:00", "2026-03-31T00:00"}},
		{"cron(0 0 LW * ? *)", []string{"2026-01-30T00:00", "2026-02-27T00:00"}}, // Jan 31 is a Saturday
		{"cron(0 0 1W * ? *)", []string{"2026-02-02T00:00", "2026-03-02T00:00"}}, // Feb 1, Mar 1 are Sundays
		{"cron(0 0 15W * ? *)", []string{"2026-02-16T00:00", "2026-03-16T00:00"}},
		{"cron(30 6 ? * 6L *)", []string{"2026-01-30T06:30", "2026-02-27T06:30"}},
		{"cron(0 12 ? * 3#2 *)", []string{"2026-02-10T12:00", "2026-03-10T12:00"}},
		{"cron(0 12 ? * TUE#2 *)", []string{"2026-02-10T12:00"}},
		{"cron(0 0 ? * L *)", []string{"2026-01-17T00:00", "2026-01-24T00:00"}},
		{"cron(0 0 ? * SUN,SAT *)", []string{"2026-01-17T00:00", "2026-01-18T00:00", "2026-01-24T00:00"}},
		{"cron(0 0 ? * FRI-MON *)", []string{"2026-01-16T00:00", "2026-01-17T00:00", "2026-01-18T00:00", "2026-01-19T00:00", "2026-01-23T00:00"}},
		{"cron(0 0 29 FEB ? *)", []string{"2028-02-29T00:00", "2032-02-29T00:00"}},
		{"cron(0 0 1 JAN,jul ? 2027-2028)", []string{"2027-01-01T00:00", "2027-07-01T00:00", "2028-01-01T00:00", "2028-07-01T00:00", ""}},
		{"cron(0 0 1 1 ? 2025)", []string{""}},
		{"cron(5,35 14 * * ? *)", []string{"2026-01-15T14:05", "2026-01-15T14:35"}},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			c, err := ParseSchedule(tt.expr)
			if err != nil {
				t.Fatal(err)
			}
			at := from
			for i, want := range tt.want {
				at = c.Next(at)
				got := ""
				if !at.IsZero() {
					got = at.Format("2006-01-02T15:04")
				}
				if got != want {
					t.Fatalf("fire %d = %q, want %q", i, got, want)
				}
			}
		})
	}
}

func TestCronInvalid(t *testing.T) {
	tests := []struct{ expr, msg string }{
		{"rate(5 minutes)", "must have the form cron("},
		{"cron(0 12 * * *)", "has 5 fields"},
		{"cron(0 12 * * * *)", "exactly one of Day-of-month and Day-of-week"},
		{"cron(0 12 ? * ? *)", "exactly one of Day-of-month and Day-of-week"},
		{"cron(60 12 * * ? *)", "Minutes field"},
		{"cron(0 24 * * ? *)", "Hours field"},
		{"cron(0 0 32 * ? *)", "Day-of-month field"},
		{"cron(0 0 * 13 ? *)", "Month field"},
		{"cron(0 0 * FOO ? *)", "Month field"},
		{"cron(0 0 ? * 8 *)", "Day-of-week field"},
		{"cron(0 0 ? * 2#6 *)", "between 1 and 5"},
		{"cron(0 0 * * ? 1969)", "Year field"},
		{"cron(0 0 * * ? 2200)", "Year field"},
		{"cron(0/0 0 * * ? *)", "invalid increment"},
		{"cron(0 0 * * ? 2028-2027)", "runs backwards"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			_, err := ParseSchedule(tt.expr)
			if err == nil || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("error %v, want one containing %q", err, tt.msg)
			}
		})
	}
}
