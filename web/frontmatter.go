package web

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"wxarchive/model"
)

// aliases are front matter keys renamed (issue 11): versions written
// before the rename are read with the new names, so a diff across the
// rename shows no change.
var aliases = map[string]string{
	"url":        "source",
	"source_url": "read_original",
	"type":       "format",
}

// volatile keys describe a capture or the readable copy, not the version:
// a diff does not list them.
var volatile = map[string]bool{"captured": true, "state": true, "state_since": true}

// frontMatter is the metadata of one version, under the current names.
type frontMatter struct {
	Title        string           `yaml:"title"`
	Author       string           `yaml:"author"`
	Account      string           `yaml:"account"`
	AccountID    string           `yaml:"account_id"`
	Published    string           `yaml:"published"`
	Modified     string           `yaml:"modified"`
	Location     string           `yaml:"location"`
	Source       string           `yaml:"source"`
	ReadOriginal string           `yaml:"read_original"`
	Description  string           `yaml:"description"`
	Cover        string           `yaml:"cover"`
	CoverURL     string           `yaml:"cover_url"`
	Original     bool             `yaml:"original"`
	Format       string           `yaml:"format"`
	Captured     string           `yaml:"captured"`
	WeChat       *model.ID        `yaml:"wechat"`
	Tags         []string         `yaml:"tags"`
	Timelines    []model.Timeline `yaml:"timelines"`
	Related      []model.Related  `yaml:"related"`

	fields map[string]any // every top-level key, renamed
}

// parseFrontMatter reads YAML front matter; a damaged one yields what could
// be read and an error to show, never a failure of the page.
func parseFrontMatter(b []byte) (*frontMatter, error) {
	fm := &frontMatter{fields: map[string]any{}}
	if len(b) == 0 {
		return fm, nil
	}
	var raw map[string]any
	if err := yaml.Unmarshal(b, &raw); err != nil {
		return fm, fmt.Errorf("web: front matter: %w", err)
	}
	for k, v := range raw {
		if n, ok := aliases[k]; ok {
			if _, both := raw[n]; both {
				continue // the new name wins
			}
			k = n
		}
		fm.fields[k] = v
	}
	norm, err := yaml.Marshal(fm.fields)
	if err == nil {
		err = yaml.Unmarshal(norm, fm)
	}
	if err != nil {
		return fm, fmt.Errorf("web: front matter: %w", err)
	}
	return fm, nil
}

// fieldChange is one front matter field that differs between versions.
type fieldChange struct {
	Field    string
	Old, New string // "" when absent
	Added    bool
	Removed  bool
}

// frontMatterChanges lists the fields that differ, by name.
func frontMatterChanges(a, b *frontMatter) []fieldChange {
	names := map[string]bool{}
	for k := range a.fields {
		names[k] = true
	}
	for k := range b.fields {
		names[k] = true
	}
	var keys []string
	for k := range names {
		if !volatile[k] {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var out []fieldChange
	for _, k := range keys {
		ov, oin := a.fields[k]
		nv, nin := b.fields[k]
		os, ns := fieldString(ov), fieldString(nv)
		if oin && nin && os == ns {
			continue
		}
		out = append(out, fieldChange{Field: k, Old: os, New: ns, Added: !oin, Removed: !nin})
	}
	return out
}

func fieldString(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case bool:
		return strconv.FormatBool(v)
	}
	b, err := yaml.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return strings.TrimSpace(string(b))
}
