package extractor

import (
	"bytes"
	"strings"

	"go.yaml.in/yaml/v3"

	"wxarchive/model"
)

// Render writes the article as Markdown with YAML front matter:
//
//	---
//	<model.Meta as YAML, empty keys omitted>
//	---
//
//	# Title
//
//	<body>
//
// The bytes depend only on the article, so equal articles render equally.
func Render(a *model.Article) []byte {
	var b bytes.Buffer
	b.WriteString("---\n")
	var y bytes.Buffer
	enc := yaml.NewEncoder(&y)
	enc.SetIndent(2)
	if err := enc.Encode(&a.Meta); err == nil && enc.Close() == nil {
		if s := y.String(); s != "{}\n" {
			b.WriteString(s)
		}
	}
	b.WriteString("---\n\n")
	if t := strings.Join(strings.Fields(a.Meta.Title), " "); t != "" {
		b.WriteString("# ")
		b.WriteString(t)
		b.WriteString("\n\n")
	}
	body := strings.TrimSpace(a.Body)
	if body != "" {
		b.WriteString(body)
		b.WriteString("\n")
	}
	return b.Bytes()
}
