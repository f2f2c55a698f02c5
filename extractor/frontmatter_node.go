package extractor

import (
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// metaNode builds the YAML node tree of v (a struct pointer) as
// yaml.Node.Encode does for the kinds model.Meta uses (strings, booleans,
// integers, structs, pointers to structs, slices): fields in order, named by
// their yaml tag, omitempty as the library judges emptiness. Node.Encode
// writes YAML text and parses it back; this skips both. It returns false for
// any other kind, and the caller encodes with the library. Invalid UTF-8 is
// repaired as repairUTF8 does. TestMetaNode and FuzzMetaNode compare the two.
func metaNode(v any) (*yaml.Node, bool) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		return nil, false
	}
	return valueNode(rv.Elem())
}

func valueNode(v reflect.Value) (*yaml.Node, bool) {
	switch v.Kind() {
	case reflect.String:
		s := v.String()
		if !utf8.ValidString(s) {
			s = strings.ToValidUTF8(s, "\uFFFD")
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}, true
	case reflect.Bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(v.Bool())}, true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.FormatInt(v.Int(), 10)}, true
	case reflect.Pointer:
		if v.IsNil() {
			return nil, false // written as null: not a case of ours
		}
		return valueNode(v.Elem())
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return nil, false // []byte is !!binary
		}
		n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		for i := range v.Len() {
			c, ok := valueNode(v.Index(i))
			if !ok {
				return nil, false
			}
			n.Content = append(n.Content, c)
		}
		return n, true
	case reflect.Struct:
		n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if f.PkgPath != "" || f.Anonymous {
				if f.Anonymous {
					return nil, false // inlined fields: not a case of ours
				}
				continue
			}
			tag := f.Tag.Get("yaml")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			if opts != "" && opts != "omitempty" {
				return nil, false // flow, inline: not a case of ours
			}
			if name == "" {
				name = strings.ToLower(f.Name)
			}
			fv := v.Field(i)
			if opts == "omitempty" && yamlZero(fv) {
				continue
			}
			c, ok := valueNode(fv)
			if !ok {
				return nil, false
			}
			n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: name}, c)
		}
		return n, true
	}
	return nil, false
}

// yamlZero is the library's emptiness for omitempty (yaml.v3 isZero) over
// the kinds valueNode handles.
func yamlZero(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.String:
		return v.Len() == 0
	case reflect.Pointer, reflect.Interface:
		return v.IsNil()
	case reflect.Slice, reflect.Map:
		return v.Len() == 0
	case reflect.Bool:
		return !v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int() == 0
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).PkgPath == "" && !yamlZero(v.Field(i)) {
				return false
			}
		}
		return true
	}
	return false
}
