package crawler

import "testing"

func TestMerge(t *testing.T) {
	arr := func(e Type) Type { return Type{Kind: typeArray, Elem: &e} }
	st := func(f ...Field) Type { return Type{Kind: typeStruct, Fields: f} }
	k := func(kind string) Type { return Type{Kind: kind} }
	cases := []struct {
		name string
		a, b Type
		want string
	}{
		{"int bigint", k(typeInt), k(typeBigint), "bigint"},
		{"bigint double", k(typeBigint), k(typeDouble), "double"},
		{"double int", k(typeDouble), k(typeInt), "double"},
		{"bool int", k(typeBoolean), k(typeInt), "string"},
		{"null int", Type{}, k(typeInt), "int"},
		{"only null", Type{}, Type{}, "string"},
		{"arrays", arr(k(typeInt)), arr(k(typeDouble)), "array<double>"},
		{"empty array", arr(Type{}), arr(Type{}), "array<string>"},
		{"array vs scalar", arr(k(typeInt)), k(typeInt), "string"},
		{"structs union", st(Field{"a", k(typeInt)}), st(Field{"b", k(typeString)}, Field{"a", k(typeBigint)}), "struct<a:bigint,b:string>"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := merge(tc.a, tc.b).String(); got != tc.want {
				t.Errorf("merge = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestInferCSV(t *testing.T) {
	cases := []struct {
		name, sample string
		wantOK       bool
		delim        rune
		header       bool
		cols         string
	}{
		{"header", "a,b\n1,x\n2,y\n", true, ',', true, "a:bigint b:string"},
		{"all strings no header", "a,b\nc,d\n", true, ',', false, "col0:string col1:string"},
		{"pipe", "x|1|2.5\ny|2|3\n", true, '|', false, "col0:string col1:bigint col2:double"},
		{"semicolon", "k;v\nq;1\n", true, ';', true, "k:string v:bigint"},
		{"ragged", "a,b\n1\n", false, 0, false, ""},
		{"one column", "a\nb\n", false, 0, false, ""},
		{"truncated tail", "a\tb\n1\t2\n3\t", true, '\t', true, "a:bigint b:bigint"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fields, f, _, ok := inferCSV([]byte(tc.sample))
			if ok != tc.wantOK {
				t.Fatalf("ok = %v, want %v", ok, tc.wantOK)
			}
			if !ok {
				return
			}
			if f.Delimiter != tc.delim || f.Header != tc.header {
				t.Errorf("format = %q header %v, want %q header %v", f.Delimiter, f.Header, tc.delim, tc.header)
			}
			if got := fieldList(fields); got != tc.cols {
				t.Errorf("columns = %q, want %q", got, tc.cols)
			}
		})
	}
}

func TestInferJSON(t *testing.T) {
	cases := []struct {
		name, sample string
		wantOK       bool
		cols         string
	}{
		{"ndjson", "{\"A\":1}\n{\"A\":2147483648,\"b\":[1.5]}\n", true, "a:bigint b:array<double>"},
		{"truncated", "{\"a\":true}\n{\"a\":", true, "a:boolean"},
		{"nested", `{"s":{"x":{"y":null}}}`, true, "s:struct<x:struct<y:string>>"},
		{"array top level", `[{"a":1}]`, false, ""},
		{"scalar record", "{\"a\":1}\n2\n", false, ""},
		{"not json", "a,b\n", false, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fields, _, ok := inferJSON([]byte(tc.sample))
			if ok != tc.wantOK {
				t.Fatalf("ok = %v, want %v", ok, tc.wantOK)
			}
			if got := fieldList(fields); ok && got != tc.cols {
				t.Errorf("columns = %q, want %q", got, tc.cols)
			}
		})
	}
}

func fieldList(fields []Field) string {
	var s string
	for i, f := range fields {
		if i > 0 {
			s += " "
		}
		s += f.Name + ":" + f.Type.String()
	}
	return s
}

func TestParseDuckType(t *testing.T) {
	cases := map[string]string{
		"INTEGER":                            "int",
		"VARCHAR[]":                          "array<string>",
		"DECIMAL(10,2)":                      "decimal(10,2)",
		"TIMESTAMP WITH TIME ZONE":           "timestamp",
		"STRUCT(a INTEGER, \"B c\" VARCHAR)": "struct<a:int,b c:string>",
		"STRUCT(x STRUCT(y DOUBLE[]))[]":     "array<struct<x:struct<y:array<double>>>>",
		"MAP(VARCHAR, BIGINT)":               "map<string,bigint>",
	}
	for in, want := range cases {
		got, rest := parseDuckType(in)
		if got.String() != want || rest != "" {
			t.Errorf("parseDuckType(%q) = %s rest %q, want %s", in, got, rest, want)
		}
	}
}

func TestExcluder(t *testing.T) {
	cases := []struct {
		pattern, key string
		want         bool
	}{
		{"*.csv", "a.csv", true},
		{"*.csv", "dir/a.csv", false},
		{"**.csv", "dir/a.csv", true},
		{"logs/**", "logs/2026/x.json", true},
		{"logs", "logs/x.json", true},
		{"?.json", "a.json", true},
		{"[ab].json", "c.json", false},
		{"[!ab].json", "c.json", true},
		{"*.{csv,tsv}", "x.tsv", true},
		{"*.{csv,tsv}", "x.json", false},
	}
	for _, tc := range cases {
		ex, err := newExcluder([]string{tc.pattern})
		if err != nil {
			t.Fatal(err)
		}
		if got := ex.excluded(tc.key); got != tc.want {
			t.Errorf("%q excludes %q = %v, want %v", tc.pattern, tc.key, got, tc.want)
		}
	}
	if _, err := newExcluder([]string{"{a,b"}); err == nil {
		t.Error("unclosed brace accepted")
	}
}

func TestCrawlGrouping(t *testing.T) {
	objs := []Object{
		memObject{key: "db/a/x.json", data: []byte(`{"id":1,"name":"a","v":1}`)},
		memObject{key: "db/b/y.json", data: []byte(`{"id":2,"name":"b","v":2.5}`)},
		memObject{key: "db/c/z.json", data: []byte(`{"k":1,"other":"c"}`)},
	}
	res, err := Crawl(t.Context(), Target{Bucket: "bk", Path: "db"}, objs)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tb := range res.Tables {
		got = append(got, tb.Name+"@"+tb.Location+" "+columnsString(tb.Columns))
	}
	want := []string{
		"a@s3://bk/db/a/ id:int name:string v:int",
		"b@s3://bk/db/b/ id:int name:string v:double",
		"c@s3://bk/db/c/ k:int other:string",
	}
	// a and b alone are compatible, but c breaks the db-level table, so
	// each folder becomes its own table, as Glue does.
	if len(got) != len(want) {
		t.Fatalf("tables = %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("table %d = %q, want %q", i, got[i], want[i])
		}
	}
}

func columnsString(cols []Column) string {
	var s string
	for i, c := range cols {
		if i > 0 {
			s += " "
		}
		s += c.Name + ":" + c.Type
	}
	return s
}
