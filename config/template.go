package config

import _ "embed"

//go:embed template.yaml
var template []byte

// Template is a commented pipeline.yaml for a new user (`wxarchive init`):
// an inbox folder for saved pages, every other source shown and empty,
// gentle politeness.
func Template() []byte { return append([]byte(nil), template...) }

// TemplateArchiveDir is the archive folder Template names (archive.dir).
const TemplateArchiveDir = "./archive"

// TemplateInbox is the inbox folder Template names under sources.saved.
const TemplateInbox = "inbox"
