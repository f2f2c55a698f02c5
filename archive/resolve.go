package archive

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"wxarchive/internal/fuzzy"
	"wxarchive/model"
)

// NotFoundError says that no archived article answers to what the user
// typed; Closest lists the nearest ones (by key or title), best first.
type NotFoundError struct {
	Name      string
	Closest   []Info
	Ambiguous bool // Name is a prefix of several keys: Matches of them, the first in Closest
	Matches   int
}

func (e *NotFoundError) Error() string {
	if e.Ambiguous {
		return fmt.Sprintf("archive: %q is ambiguous: it starts %d keys", e.Name, e.Matches)
	}
	return fmt.Sprintf("archive: %s: %v", e.Name, ErrNotFound)
}

// Is makes errors.Is(err, ErrNotFound) true.
func (e *NotFoundError) Is(target error) bool { return target == ErrNotFound }

// Resolve turns whatever a user calls an article into its key, following
// short-link aliases: the key itself, a unique prefix of a key, any form of
// its URL (long with tracking parameters, short /s/<token>, http or no
// scheme, the "saved from url=(NNNN)…" line of a saved page), or the path of
// its readable file or of one of its version files. Anything else is a
// *NotFoundError naming the closest articles.
func (a *Archive) Resolve(name string) (model.Key, error) {
	s := strings.TrimSpace(name)
	if s == "" {
		return "", &NotFoundError{Name: `""`}
	}
	if u := linkIn(s); u != "" {
		l, err := model.ParseLink(u)
		if err != nil {
			return "", fmt.Errorf("archive: resolve %q: %w", s, err)
		}
		k := l.Key()
		if k == "" {
			return "", fmt.Errorf("archive: resolve %q: not an article link: %w", s, ErrNotFound)
		}
		if h, err := a.resolveHead(k); err == nil {
			return h.Key, nil
		} else if !isNotFound(err) {
			return "", err
		}
		return "", a.notFound(s, string(k))
	}
	if k, ok, err := a.resolvePath(s); err != nil || ok {
		return k, err
	}
	k := model.Key(s)
	if validKey(k) == nil {
		for _, try := range []model.Key{k, "s_" + k} {
			h, err := a.resolveHead(try)
			if err == nil {
				return h.Key, nil
			}
			if !isNotFound(err) {
				return "", err
			}
		}
	}
	return a.byPrefix(s)
}

func isNotFound(err error) bool { return errors.Is(err, ErrNotFound) }

// linkIn finds a mp.weixin.qq.com URL in s: s itself, or the URL after the
// "saved from url=(0240)" of a browser's comment, with or without scheme.
func linkIn(s string) string {
	low := strings.ToLower(s)
	i := strings.Index(low, model.Host)
	if i < 0 {
		return ""
	}
	if j := strings.LastIndex(low[:i], "http"); j >= 0 && !strings.ContainsAny(s[j:i], " \t\n()") {
		i = j
	} else if strings.HasSuffix(low[:i], "//") {
		i -= 2
	}
	u := s[i:]
	if j := strings.IndexAny(u, " \t\n"); j >= 0 {
		u = u[:j]
	}
	return strings.TrimSuffix(u, "-->")
}

// resolvePath recognises the path of a readable file or a version file
// inside this archive (relative to the working folder or absolute).
func (a *Archive) resolvePath(s string) (model.Key, bool, error) {
	if !strings.HasSuffix(s, ".md") {
		return "", false, nil
	}
	if _, err := os.Stat(s); err != nil {
		return "", false, nil
	}
	abs, err1 := filepath.Abs(s)
	root, err2 := filepath.Abs(a.dir)
	if err1 != nil || err2 != nil {
		return "", false, nil
	}
	if r, err := filepath.EvalSymlinks(root); err == nil {
		root = r
	}
	if r, err := filepath.EvalSymlinks(abs); err == nil {
		abs = r
	}
	rel, err := filepath.Rel(root, abs)
	if err != nil || strings.HasPrefix(rel, "..") {
		return "", false, nil
	}
	rel = filepath.ToSlash(rel)
	list, err := a.List()
	if err != nil {
		return "", false, err
	}
	for _, i := range list {
		if i.Path == rel {
			return i.Key, true, nil
		}
	}
	for _, i := range list {
		if strings.HasPrefix(rel, a.n.versions+string(i.Key)+"/") {
			return i.Key, true, nil
		}
	}
	return "", false, &NotFoundError{Name: s}
}

// byPrefix resolves a unique key prefix, else reports the closest keys and
// titles.
func (a *Archive) byPrefix(s string) (model.Key, error) {
	list, err := a.List()
	if err != nil {
		return "", err
	}
	var hits []Info
	for _, i := range list {
		if strings.HasPrefix(string(i.Key), s) || slices.ContainsFunc(i.Aliases, func(k model.Key) bool { return strings.HasPrefix(string(k), s) }) {
			hits = append(hits, i)
		}
	}
	switch {
	case len(hits) == 1:
		return hits[0].Key, nil
	case len(hits) > 1:
		return "", &NotFoundError{Name: s, Closest: hits[:min(len(hits), 10)], Ambiguous: true, Matches: len(hits)}
	}
	return "", closest(s, s, list)
}

// notFound reports name as unknown, with the articles closest to key.
func (a *Archive) notFound(name, key string) error {
	list, err := a.List()
	if err != nil {
		return err
	}
	return closest(name, key, list)
}

// closest builds the NotFoundError for name: keys within a few edits of
// key, then titles containing name.
func closest(name, key string, list []Info) *NotFoundError {
	keys := make([]string, len(list))
	byKey := make(map[string]Info, len(list))
	for i, in := range list {
		keys[i] = string(in.Key)
		byKey[keys[i]] = in
	}
	nf := &NotFoundError{Name: name}
	for _, k := range fuzzy.Closest(key, keys, max(2, len(key)/6), 5) {
		nf.Closest = append(nf.Closest, byKey[k])
	}
	low := strings.ToLower(name)
	for _, in := range list {
		if len(nf.Closest) >= 5 {
			break
		}
		if in.Title != "" && strings.Contains(strings.ToLower(in.Title), low) && !slices.ContainsFunc(nf.Closest, func(c Info) bool { return c.Key == in.Key }) {
			nf.Closest = append(nf.Closest, in)
		}
	}
	return nf
}
