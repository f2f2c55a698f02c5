package fuzzy

import (
	"slices"
	"testing"
)

func TestDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"list", "list", 0}, {"lsit", "list", 2}, {"verison", "version", 2},
		{"kitten", "sitting", 3}, {"微信", "微博", 1}, {"Show", "show", 0},
	} {
		if got := Distance(c.a, c.b); got != c.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

func TestClosest(t *testing.T) {
	names := []string{"archive", "account", "json", "state", "sort", "version"}
	if got := Closest("stat", names, 2, 3); !slices.Equal(got, []string{"state", "sort"}) {
		t.Errorf("Closest(stat) = %v", got)
	}
	if got := Closest("arch", names, 1, 3); !slices.Equal(got, []string{"archive"}) {
		t.Errorf("Closest(arch) = %v (a prefix counts as distance 1)", got)
	}
	if got := Closest("zzzzzz", names, 2, 3); len(got) != 0 {
		t.Errorf("Closest(zzzzzz) = %v, want none", got)
	}
}
