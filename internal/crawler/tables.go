package crawler

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// similarity is how much of two files' column names must overlap for the
// crawler to treat them as one table (Glue's grouping threshold).
const similarity = 0.7

// tableGroup is a set of files that form one table rooted at dirs.
type tableGroup struct {
	dirs  []string
	files []crawledFile
}

// groupTables finds table roots top-down: the highest folder whose files
// all sit at the same depth with compatible schemas becomes one table, its
// lower folders partitions; otherwise each subfolder is tried on its own.
func groupTables(dirs []string, files []crawledFile) []tableGroup {
	if len(files) == 0 {
		return nil
	}
	if compatible(files) {
		return []tableGroup{{dirs: dirs, files: files}}
	}
	var here []crawledFile
	var children []string
	byChild := map[string][]crawledFile{}
	for _, f := range files {
		if len(f.dirs) == len(dirs) {
			here = append(here, f)
			continue
		}
		child := f.dirs[len(dirs)]
		if _, seen := byChild[child]; !seen {
			children = append(children, child)
		}
		byChild[child] = append(byChild[child], f)
	}
	var groups []tableGroup
	if len(here) > 0 {
		groups = append(groups, groupHere(dirs, here)...)
	}
	slices.Sort(children)
	for _, c := range children {
		groups = append(groups, groupTables(append(slices.Clone(dirs), c), byChild[c])...)
	}
	return groups
}

// groupHere splits files of one folder by format when they do not mix.
func groupHere(dirs []string, files []crawledFile) []tableGroup {
	if compatible(files) {
		return []tableGroup{{dirs: dirs, files: files}}
	}
	var groups []tableGroup
	for _, f := range files {
		i := slices.IndexFunc(groups, func(g tableGroup) bool { return compatible(append(slices.Clone(g.files), f)) })
		if i < 0 {
			groups = append(groups, tableGroup{dirs: dirs, files: []crawledFile{f}})
			continue
		}
		groups[i].files = append(groups[i].files, f)
	}
	return groups
}

func compatible(files []crawledFile) bool {
	first := files[0]
	for _, f := range files[1:] {
		if len(f.dirs) != len(first.dirs) || f.schema.formatKey() != first.schema.formatKey() ||
			overlap(f.schema.Fields, first.schema.Fields) < similarity {
			return false
		}
	}
	return true
}

// overlap is the Jaccard similarity of two files' top-level column names.
func overlap(a, b []Field) float64 {
	names := map[string]int{}
	for _, f := range a {
		names[f.Name] |= 1
	}
	for _, f := range b {
		names[f.Name] |= 2
	}
	both := 0
	for _, v := range names {
		if v == 3 {
			both++
		}
	}
	if len(names) == 0 {
		return 1
	}
	return float64(both) / float64(len(names))
}

// nameTables builds the table definitions, naming each after the last
// folder of its location and disambiguating clashes with a hash suffix.
func nameTables(target Target, groups []tableGroup) []Table {
	tables := make([]Table, 0, len(groups))
	count := map[string]int{}
	for _, g := range groups {
		t := buildTable(target, g)
		count[t.Name]++
		tables = append(tables, t)
	}
	for i := range tables {
		if count[tables[i].Name] > 1 {
			sum := md5.Sum([]byte(tables[i].Location))
			tables[i].Name += "_" + hex.EncodeToString(sum[:])[:8]
		}
	}
	return tables
}

var unsafeName = regexp.MustCompile(`[^a-z0-9_]`)

func tableName(target Target, dirs []string) string {
	name := target.Bucket
	full := strings.Trim(target.prefix()+strings.Join(dirs, "/"), "/")
	if full != "" {
		name = full[strings.LastIndexByte(full, '/')+1:]
	}
	return unsafeName.ReplaceAllString(strings.ToLower(name), "_")
}

func buildTable(target Target, g tableGroup) Table {
	loc := target.Location()
	if len(g.dirs) > 0 {
		loc += strings.Join(g.dirs, "/") + "/"
	}
	var merged Type
	for _, f := range g.files {
		merged = merge(merged, Type{Kind: typeStruct, Fields: f.schema.Fields})
	}
	s := g.files[0].schema
	t := Table{
		Name:           tableName(target, g.dirs),
		Location:       loc,
		Classification: s.Classification,
		Columns:        columns(merged.Fields),
		Parameters:     tableParameters(g.files),
	}
	t.InputFormat, t.OutputFormat, t.SerDe = storageFormat(s, t.Columns)
	t.PartitionKeys, t.Partitions = partitions(loc, len(g.dirs), g.files)
	return t
}

func columns(fields []Field) []Column {
	cols := make([]Column, len(fields))
	for i, f := range fields {
		cols[i] = Column{Name: f.Name, Type: f.Type.String()}
	}
	return cols
}

// partitions names the folder levels below the table root — "k=v" folders
// give key k, others partition_N — and lists each leaf folder once.
func partitions(loc string, depth int, files []crawledFile) ([]Column, []Partition) {
	levels := len(files[0].dirs) - depth
	keys := make([]Column, levels)
	for j := range levels {
		keys[j] = Column{Name: levelName(files, depth+j, j), Type: typeString}
	}
	seen := map[string]bool{}
	var parts []Partition
	for _, f := range files {
		rel := f.dirs[depth:]
		if levels == 0 || seen[strings.Join(rel, "/")] {
			continue
		}
		seen[strings.Join(rel, "/")] = true
		p := Partition{Location: loc + strings.Join(rel, "/") + "/"}
		for _, seg := range rel {
			_, v, found := strings.Cut(seg, "=")
			if !found {
				v = seg
			}
			p.Values = append(p.Values, v)
		}
		parts = append(parts, p)
	}
	slices.SortFunc(parts, func(a, b Partition) int { return strings.Compare(a.Location, b.Location) })
	return keys, parts
}

func levelName(files []crawledFile, level, j int) string {
	var name string
	for _, f := range files {
		k, _, found := strings.Cut(f.dirs[level], "=")
		if !found || (name != "" && k != name) {
			return "partition_" + strconv.Itoa(j)
		}
		name = k
	}
	return strings.ToLower(name)
}

// tableParameters are the statistics and format hints Glue records.
func tableParameters(files []crawledFile) map[string]string {
	s := files[0].schema
	var size, records, sampleBytes, sampleRecords int64
	for _, f := range files {
		size += f.size
		sampleBytes += f.schema.SampleBytes
		sampleRecords += f.schema.Records
	}
	records = sampleRecords
	if s.Classification != ClassParquet && sampleBytes > 0 && commonCompression(files) == "none" {
		records = sampleRecords * size / sampleBytes // extrapolate from the sample
	}
	p := map[string]string{
		"classification":  s.Classification,
		"compressionType": commonCompression(files),
		"typeOfData":      "file",
		"objectCount":     strconv.Itoa(len(files)),
		"recordCount":     strconv.FormatInt(records, 10),
		"sizeKey":         strconv.FormatInt(size, 10),
	}
	if records > 0 {
		p["averageRecordSize"] = strconv.FormatInt(size/records, 10)
	}
	if s.Classification == ClassCSV {
		p["delimiter"] = string(s.CSV.Delimiter)
		p["areColumnsQuoted"] = strconv.FormatBool(s.CSV.Quoted)
		p["columnsOrdered"] = "true"
		if s.CSV.Header {
			p["skip.header.line.count"] = "1"
		}
	}
	return p
}

// commonCompression is the codec most of the files use; Firehose writes one
// codec per stream, so mixes are rare.
func commonCompression(files []crawledFile) string {
	count := map[string]int{}
	best := files[0].schema.Compression
	for _, f := range files {
		c := f.schema.Compression
		count[c]++
		if count[c] > count[best] {
			best = c
		}
	}
	return best
}

// Hive class names Glue writes for each classification.
const (
	textInput       = "org.apache.hadoop.mapred.TextInputFormat"
	textOutput      = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"
	parquetInput    = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
	parquetOutput   = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"
	parquetSerDe    = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
	jsonSerDe       = "org.openx.data.jsonserde.JsonSerDe"
	lazySimpleSerDe = "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe"
	openCSVSerDe    = "org.apache.hadoop.hive.serde2.OpenCSVSerde"
)

func storageFormat(s *fileSchema, cols []Column) (string, string, SerDeInfo) {
	switch s.Classification {
	case ClassParquet:
		return parquetInput, parquetOutput, SerDeInfo{Library: parquetSerDe, Parameters: map[string]string{"serialization.format": "1"}}
	case ClassJSON:
		names := make([]string, len(cols))
		for i, c := range cols {
			names[i] = c.Name
		}
		slices.Sort(names)
		return textInput, textOutput, SerDeInfo{Library: jsonSerDe, Parameters: map[string]string{"paths": strings.Join(names, ",")}}
	case ClassCSV:
		d := string(s.CSV.Delimiter)
		if s.CSV.Quoted {
			return textInput, textOutput, SerDeInfo{Library: openCSVSerDe, Parameters: map[string]string{"separatorChar": d, "quoteChar": `"`}}
		}
		return textInput, textOutput, SerDeInfo{Library: lazySimpleSerDe, Parameters: map[string]string{"field.delim": d}}
	}
	panic(fmt.Sprintf("crawler: no storage format for %q", s.Classification))
}
