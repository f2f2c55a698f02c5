package extractor

import (
	"reflect"
	"strings"
	"unsafe"
)

// The page's script and style texts (most of a modern page's bytes) are put
// into the tree as strings sharing memory with the input, not as a copy:
// the copy alone cost a fifth of an extraction, most of it faulting in fresh
// pages for a 3 MB string. Such strings live only while Extract runs:
// detach copies any of them that reaches the Document before it is
// returned, so the caller may reuse its buffer afterwards.

// bytesView returns b as a string without copying. The string must not
// outlive b's contents: see detach.
func bytesView(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// detach replaces every string reachable from v (a pointer) whose bytes lie
// in raw by a copy.
func detach(v any, raw []byte) {
	if len(raw) == 0 {
		return
	}
	lo := uintptr(unsafe.Pointer(unsafe.SliceData(raw)))
	detachValue(reflect.ValueOf(v), lo, lo+uintptr(len(raw)))
}

func detachValue(v reflect.Value, lo, hi uintptr) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			detachValue(v.Elem(), lo, hi)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			detachValue(v.Field(i), lo, hi)
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			detachValue(v.Index(i), lo, hi)
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(v.MapIndex(k))
			detachValue(e, lo, hi)
			nk := reflect.New(k.Type()).Elem()
			nk.Set(k)
			detachValue(nk, lo, hi)
			v.SetMapIndex(k, reflect.Value{})
			v.SetMapIndex(nk, e)
		}
	case reflect.String:
		s := v.String()
		if s == "" {
			return
		}
		p := uintptr(unsafe.Pointer(unsafe.StringData(s)))
		if p >= lo && p < hi {
			v.SetString(strings.Clone(s))
		}
	}
}
