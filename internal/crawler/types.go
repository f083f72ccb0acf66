package crawler

import (
	"slices"
	"strings"
)

// Glue type names the classifiers produce.
const (
	typeUnknown = "" // only nulls seen so far; rendered as string
	typeBoolean = "boolean"
	typeInt     = "int"
	typeBigint  = "bigint"
	typeDouble  = "double"
	typeString  = "string"
	typeArray   = "array"
	typeStruct  = "struct"
)

// Type is an inferred Hive/Glue type. Scalars carry only Kind (which may be
// any Hive scalar such as "decimal(10,2)" for Parquet); arrays carry Elem and
// structs carry Fields in first-seen order.
type Type struct {
	Kind   string
	Elem   *Type
	Fields []Field
}

// Field is a named struct member or top-level column.
type Field struct {
	Name string
	Type Type
}

// String renders t the way Glue writes it in a StorageDescriptor column.
func (t Type) String() string {
	switch t.Kind {
	case typeUnknown:
		return typeString
	case typeArray:
		return "array<" + t.Elem.String() + ">"
	case typeStruct:
		parts := make([]string, len(t.Fields))
		for i, f := range t.Fields {
			parts[i] = f.Name + ":" + f.Type.String()
		}
		return "struct<" + strings.Join(parts, ",") + ">"
	}
	return t.Kind
}

// numericRank orders the numeric kinds that widen into each other.
func numericRank(kind string) int {
	switch kind {
	case typeInt:
		return 1
	case typeBigint:
		return 2
	case typeDouble:
		return 3
	}
	return 0
}

// merge widens a and b to a type that holds both, as the crawler does when
// records or files disagree: int→bigint→double, structs union their fields,
// arrays merge elements, and anything else incompatible becomes string.
func merge(a, b Type) Type {
	switch {
	case a.Kind == typeUnknown:
		return b
	case b.Kind == typeUnknown:
		return a
	case a.Kind == typeStruct && b.Kind == typeStruct:
		return Type{Kind: typeStruct, Fields: mergeFields(a.Fields, b.Fields)}
	case a.Kind == typeArray && b.Kind == typeArray:
		elem := merge(*a.Elem, *b.Elem)
		return Type{Kind: typeArray, Elem: &elem}
	case a.Kind == b.Kind && a.Kind != typeArray && a.Kind != typeStruct:
		return a
	}
	ra, rb := numericRank(a.Kind), numericRank(b.Kind)
	if ra > 0 && rb > 0 {
		if ra >= rb {
			return a
		}
		return b
	}
	return Type{Kind: typeString}
}

// mergeFields unions two field lists, keeping a's order and appending b's
// new fields.
func mergeFields(a, b []Field) []Field {
	out := slices.Clone(a)
	for _, fb := range b {
		i := slices.IndexFunc(out, func(f Field) bool { return f.Name == fb.Name })
		if i < 0 {
			out = append(out, fb)
			continue
		}
		out[i].Type = merge(out[i].Type, fb.Type)
	}
	return out
}
