package awsapi

import (
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// Decode fills the struct v from the call's parameters. Fields are tagged
// `query:"Name"`, optionally with ",required" (missing -> IAM's "must not be
// null" ValidationError) or ",unsupported" (present -> a clear error rather
// than being silently ignored). Supported field types: string, *string,
// *int, *bool, []string (Name.member.N) and slices of structs
// (Name.member.N.Field). A parameter no field takes is rejected.
func (c *QueryCall) Decode(v any) error {
	used := map[string]bool{}
	if err := decodeStruct(c.Params, "", reflect.ValueOf(v).Elem(), used); err != nil {
		return err
	}
	var unknown []string
	for k := range c.Params {
		if !used[k] {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return Errorf(400, "InvalidParameter", "Unknown parameter for %s: %s", c.Action, unknown[0])
	}
	return nil
}

type queryTag struct {
	name                  string
	required, unsupported bool
}

func parseQueryTag(f reflect.StructField) (queryTag, bool) {
	tag, ok := f.Tag.Lookup("query")
	if !ok {
		return queryTag{}, false
	}
	parts := strings.Split(tag, ",")
	t := queryTag{name: parts[0]}
	for _, p := range parts[1:] {
		t.required = t.required || p == "required"
		t.unsupported = t.unsupported || p == "unsupported"
	}
	return t, true
}

func decodeStruct(params map[string][]string, prefix string, v reflect.Value, used map[string]bool) error {
	typ := v.Type()
	for i := 0; i < typ.NumField(); i++ {
		sf := typ.Field(i)
		if sf.Anonymous && sf.Type.Kind() == reflect.Struct {
			// Embedded parameter groups (e.g. Marker/MaxItems) share the prefix.
			if err := decodeStruct(params, prefix, v.Field(i), used); err != nil {
				return err
			}
			continue
		}
		tag, ok := parseQueryTag(sf)
		if !ok {
			continue
		}
		name := prefix + tag.name
		present, err := decodeField(params, name, v.Field(i), used)
		if err != nil {
			return err
		}
		switch {
		case present && tag.unsupported:
			return Errorf(400, "InvalidInput", "The parameter %s is not supported by Shoal.", tag.name)
		case !present && tag.required:
			return MemberNull(tag.name)
		}
	}
	return nil
}

// MemberNull is the error IAM and STS give for a missing required parameter.
func MemberNull(param string) *Error {
	return Errorf(400, "ValidationError", "1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", LowerFirst(param))
}

// LowerFirst turns a parameter name into the member name AWS's validation
// messages use ("UserName" -> "userName").
func LowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

func decodeField(params map[string][]string, name string, f reflect.Value, used map[string]bool) (bool, error) {
	if f.Kind() == reflect.Slice {
		return decodeList(params, name, f, used)
	}
	vals, ok := params[name]
	if !ok {
		return false, nil
	}
	used[name] = true
	s := vals[0]
	switch f.Interface().(type) {
	case string:
		f.SetString(s)
	case *string:
		f.Set(reflect.ValueOf(&s))
	case *int:
		n, err := strconv.Atoi(s)
		if err != nil {
			return true, Errorf(400, "ValidationError", "1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must be a number", s, LowerFirst(lastSegment(name)))
		}
		f.Set(reflect.ValueOf(&n))
	case *bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return true, Errorf(400, "ValidationError", "1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must be a boolean", s, LowerFirst(lastSegment(name)))
		}
		f.Set(reflect.ValueOf(&b))
	default:
		panic(fmt.Sprintf("queryform: unsupported field type %s", f.Type()))
	}
	return true, nil
}

func lastSegment(name string) string {
	return name[strings.LastIndexByte(name, '.')+1:]
}

// decodeList reads Name.member.N (and Name.member.N.Field for structs). An
// empty list is sent as "Name=" with no members.
func decodeList(params map[string][]string, name string, f reflect.Value, used map[string]bool) (bool, error) {
	present := false
	if _, ok := params[name]; ok {
		used[name] = true
		present = true
	}
	prefix := name + ".member."
	indexes := map[int]bool{}
	for k := range params {
		rest, ok := strings.CutPrefix(k, prefix)
		if !ok {
			continue
		}
		num, _, _ := strings.Cut(rest, ".")
		n, err := strconv.Atoi(num)
		if err != nil || n < 1 {
			return true, Errorf(400, "InvalidParameter", "Invalid list index in parameter %s", k)
		}
		indexes[n] = true
	}
	order := make([]int, 0, len(indexes))
	for n := range indexes {
		order = append(order, n)
	}
	sort.Ints(order)
	list := reflect.MakeSlice(f.Type(), len(order), len(order))
	for i, n := range order {
		item := fmt.Sprintf("%s%d", prefix, n)
		elem := list.Index(i)
		if elem.Kind() == reflect.Struct {
			if err := decodeStruct(params, item+".", elem, used); err != nil {
				return true, err
			}
			continue
		}
		if _, err := decodeField(params, item, elem.Addr().Elem(), used); err != nil {
			return true, err
		}
	}
	if len(order) > 0 || present {
		f.Set(list)
		present = true
	}
	return present, nil
}
