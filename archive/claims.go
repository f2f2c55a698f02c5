package archive

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"

	"wxarchive/model"
)

// Readable paths are claimed: a path an article's head names stays its
// own even when its file was deleted by hand, so no other article is
// given it. The claims are a derived index of the heads, in 256 shards by
// the hash of the path (.wxarchive/index/paths/<aa>.tsv, lines
// "<path>\t<key>"), appended to when a path is chosen, rebuilt from the
// heads by Reindex; a lookup reads one shard, small whatever the archive's
// size. The file complete says the shards hold every head's paths.
//
// Paths are compared folded (NFC, then Unicode case folding): two paths
// that differ only by case or by normalisation are one file on macOS and
// Windows and in most sync tools, so they are one claim. Shards are named
// by the hash of the folded path; claims sharded otherwise (complete says
// which) are rebuilt by the next writer.

func (a *Archive) claimsDir() string { return strings.TrimSuffix(a.n.index, "heads.tsv") + "paths/" }
func (a *Archive) claimShard(p string) string {
	return a.claimsDir() + sha([]byte(foldPath(p)))[:2] + ".tsv"
}
func (a *Archive) claimsComplete() string { return a.claimsDir() + "complete" }

func claimLine(p string, k model.Key) []byte {
	return []byte(escapeField(p) + "\t" + escapeField(string(k)) + "\n")
}

// claimedByOther reports whether another article than k claims p.
func (a *Archive) claimedByOther(p string, k model.Key) (bool, error) {
	b, err := a.store.Get(a.claimShard(p))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	fp := foldPath(p)
	for _, l := range bytes.Split(b, []byte("\n")) {
		cp, ck, ok := strings.Cut(string(l), "\t")
		if ok && foldPath(unescapeField(cp)) == fp && model.Key(unescapeField(ck)) != k {
			return true, nil
		}
	}
	return false, nil
}

// claim records that k's head names p (written before the head).
func (a *Archive) claim(p string, k model.Key) error {
	name := a.claimShard(p)
	if ap, ok := a.store.(Appender); ok {
		return ap.Append(name, claimLine(p, k))
	}
	old, err := a.store.Get(name)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return a.store.Put(name, append(old, claimLine(p, k)...))
}

// pathsOf are the readable paths h claims: its path and the files written
// beside it.
func pathsOf(h *head) []string {
	var out []string
	if h.Path != "" {
		out = append(out, h.Path)
	}
	for p := range h.Readable.Files {
		if p != h.Path {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}

// claimsBuilder collects the claims of every head for a rebuild.
type claimsBuilder map[string]*bytes.Buffer

func (c claimsBuilder) add(a *Archive, h *head) {
	for _, p := range pathsOf(h) {
		n := a.claimShard(p)
		if c[n] == nil {
			c[n] = &bytes.Buffer{}
		}
		c[n].Write(claimLine(p, h.Key))
	}
}

// write replaces every shard and marks the claims complete.
func (c claimsBuilder) write(a *Archive) error {
	old, err := a.store.List(a.claimsDir())
	if err != nil {
		return err
	}
	for _, n := range old {
		if _, ok := c[n]; !ok && strings.HasSuffix(n, ".tsv") {
			if err := a.store.Delete(n); err != nil {
				return err
			}
		}
	}
	for n, b := range c {
		if err := a.store.Put(n, b.Bytes()); err != nil {
			return fmt.Errorf("archive: write %s: %w", n, err)
		}
	}
	return a.store.Put(a.claimsComplete(), []byte(claimsMark))
}

// claimsMark is the content of complete for claims sharded by folded path.
const claimsMark = "every head's readable paths are claimed, folded (NFC, case)\n"

// claimsCurrent reports whether the claims are complete and sharded as
// claimShard shards them.
func (a *Archive) claimsCurrent() (bool, error) {
	b, err := a.store.Get(a.claimsComplete())
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return string(b) == claimsMark, err
}

// foldPath is the form of a readable path two paths share when they name
// one file on a case- or normalisation-insensitive file system.
func foldPath(p string) string {
	return cases.Fold().String(norm.NFC.String(p))
}
