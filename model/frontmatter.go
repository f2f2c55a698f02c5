package model

import (
	"fmt"

	"go.yaml.in/yaml/v3"
)

// MetaKeyAliases maps the top-level front-matter keys of older stored
// versions to the keys written now (issue 11: Hugo reserves url and type).
// Nested maps (related, reprint) keep their url.
var MetaKeyAliases = map[string]string{
	"url":        "source",
	"source_url": "read_original",
	"type":       "format",
}

// CurrentKey returns the key written now for a top-level front-matter key,
// old or new.
func CurrentKey(key string) string {
	if k, ok := MetaKeyAliases[key]; ok {
		return k
	}
	return key
}

// UnmarshalYAML reads front matter written under the current or the older
// key names; when both are present the current one wins.
func (m *Meta) UnmarshalYAML(n *yaml.Node) error {
	type plain Meta // no UnmarshalYAML: no recursion
	if n.Kind != yaml.MappingNode {
		var p plain
		if err := n.Decode(&p); err != nil {
			return err
		}
		*m = Meta(p)
		return nil
	}
	has := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		has[n.Content[i].Value] = true
	}
	renamed := &yaml.Node{Kind: yaml.MappingNode, Tag: n.Tag, Style: n.Style, Line: n.Line, Column: n.Column}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if cur, old := MetaKeyAliases[k.Value]; old {
			if has[cur] {
				continue // the current name wins
			}
			kk := *k
			kk.Value = cur
			k = &kk
		}
		renamed.Content = append(renamed.Content, k, v)
	}
	var p plain
	if err := renamed.Decode(&p); err != nil {
		return fmt.Errorf("model: front matter: %w", err)
	}
	*m = Meta(p)
	return nil
}
