package archive

import (
	"encoding/json"
	"strings"
	"time"
	"unicode"

	"go.yaml.in/yaml/v3"

	"wxarchive/model"
)

// A version's identity is what the page says: the article's own front
// matter fields (title, author, account, account_id, published, modified,
// location, source, read_original, description, cover as its remote URL,
// original, format, wechat, tags, timelines, related, and whatever the
// extractor adds about the article) and the body. Fields about the capture
// or the archive are not part of it: captured, state, state_since, the local
// cover path and cover_url (see nonIdentity). Keys renamed for Hugo and
// Obsidian count under their new names (see KeyAliases), so a rename alone
// is no change. Two captures are the same version when their identities are
// equal; the Markdown object stays named by its content hash.

// KeyAliases maps front-matter keys of the first layout to the names used
// now (url was reserved by Hugo, type changes Hugo's layout lookup,
// source_url clashed with source). Readers read the old names as these.
var KeyAliases = map[string]string{"url": "source", "source_url": "read_original", "type": "format"}

// nonIdentity are the top-level keys about the capture or the archive.
var nonIdentity = map[string]bool{"captured": true, "state": true, "state_since": true, "cover_url": true}

// identity is the hash that decides whether two Markdown renderings say the
// same thing (see above).
func identity(md []byte) string {
	fm, body, ok := splitFrontMatter(strings.ReplaceAll(string(md), "\r\n", "\n"))
	body = strings.TrimRightFunc(body, unicode.IsSpace)
	if !ok {
		return sha([]byte("body\n" + body))
	}
	var m map[string]any
	if err := yaml.Unmarshal([]byte(fm), &m); err != nil {
		return sha(normalise(md)) // unreadable front matter: the bytes decide
	}
	if u, ok := m["cover_url"]; ok {
		m["cover"] = u // a readable copy: the page's own cover is the URL
	}
	for old, cur := range KeyAliases {
		if v, ok := m[old]; ok {
			if _, dup := m[cur]; !dup {
				m[cur] = v
			}
			delete(m, old)
		}
	}
	for k := range nonIdentity {
		delete(m, k)
	}
	j, err := json.Marshal(m) // map keys sorted
	if err != nil {
		return sha(normalise(md))
	}
	return sha([]byte(string(j) + "\n---\n" + body + "\n"))
}

// splitFrontMatter separates the YAML front matter (without its fences)
// from the body.
func splitFrontMatter(md string) (fm, body string, ok bool) {
	if !strings.HasPrefix(md, "---\n") {
		return "", md, false
	}
	end := strings.Index(md[3:], "\n---\n")
	if end < 0 {
		return "", md, false
	}
	return md[4 : 3+end+1], md[3+end+5:], true
}

// readableFields are what the readable copy adds to a version's front
// matter: never part of the stored version.
type readableFields struct {
	captured   time.Time   // when the capture behind the version was made
	state      model.State // set when the article is no longer live
	stateSince time.Time
	cover      string // local path of the cover, relative to the readable file
}

// readableFrontMatter rewrites the top-level keys of md's front matter for
// the readable copy: old key names under their new names, the cover made
// local (the URL kept as cover_url), and captured, state, state_since
// added. The rest of the bytes are kept as the extractor wrote them.
func readableFrontMatter(md []byte, f readableFields) []byte {
	s := string(md)
	fm, body, ok := splitFrontMatter(s)
	if !ok {
		return md
	}
	lines := strings.Split(strings.TrimSuffix(fm, "\n"), "\n")
	has := map[string]bool{}
	for _, l := range lines {
		if k, ok := topKey(l); ok {
			has[k] = true
		}
	}
	out := make([]string, 0, len(lines)+4)
	for _, l := range lines {
		k, ok := topKey(l)
		if !ok {
			out = append(out, l)
			continue
		}
		if cur, renamed := KeyAliases[k]; renamed && !has[cur] {
			l = cur + l[len(k):]
			k = cur
		}
		if nonIdentity[k] {
			continue // a stale readable field has no place in a version
		}
		if k == "cover" && f.cover != "" {
			out = append(out, "cover: "+yamlString(f.cover), "cover_url"+l[len(k):])
			continue
		}
		out = append(out, l)
	}
	if !f.captured.IsZero() {
		out = append(out, "captured: "+yamlString(f.captured.In(cst).Format(time.RFC3339)))
	}
	if f.state != "" && f.state != model.StateArticle {
		out = append(out, "state: "+yamlString(string(f.state)))
		if !f.stateSince.IsZero() {
			out = append(out, "state_since: "+yamlString(f.stateSince.In(cst).Format(time.RFC3339)))
		}
	}
	return []byte("---\n" + strings.Join(out, "\n") + "\n---\n" + body)
}

// topKey returns the key of a top-level "key: value" line.
func topKey(l string) (string, bool) {
	if l == "" || l[0] == ' ' || l[0] == '-' || l[0] == '#' || l[0] == '"' || l[0] == '\'' {
		return "", false
	}
	i := strings.IndexByte(l, ':')
	if i <= 0 || (i+1 < len(l) && l[i+1] != ' ') {
		return "", false
	}
	k := l[:i]
	if strings.ContainsAny(k, " \t{}[],&*!|>%@`") {
		return "", false
	}
	return k, true
}

// frontMatterValue returns the string value of a top-level key. A value
// on its key's line is read from that line alone (verify reads titles of
// every article); anything else from the whole front matter.
func frontMatterValue(md []byte, key string) string {
	fm, _, ok := splitFrontMatter(string(md))
	if !ok {
		return ""
	}
	for _, l := range strings.Split(fm, "\n") {
		if k, ok := topKey(l); ok && k == key {
			v := strings.TrimSpace(l[len(k)+1:])
			if v == "" || strings.ContainsAny(v[:1], "|>&*!{[") {
				break // a block or a flow value: parse the whole
			}
			var one map[string]any
			if yaml.Unmarshal([]byte(l), &one) != nil {
				break
			}
			s, _ := one[key].(string)
			return s
		}
	}
	var m map[string]any
	if yaml.Unmarshal([]byte(fm), &m) != nil {
		return ""
	}
	if s, ok := m[key].(string); ok {
		return s
	}
	return ""
}

// yamlString writes s as a YAML double-quoted scalar.
func yamlString(s string) string {
	b, _ := json.Marshal(s) // JSON strings are YAML double-quoted scalars
	return strings.ReplaceAll(string(b), `\u003c`, `\x3C`)
}
