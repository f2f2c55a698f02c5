package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"wxarchive/archive"
)

type verifyOptions struct {
	json, quick bool
	root        string
}

func newVerifyCmd(e *env) *cobra.Command {
	var o verifyOptions
	c := &cobra.Command{
		Use:   "verify",
		Short: "Re-hash every object and check every reference",
		Long: `Re-hash every stored object (raw pages, versions, images) and check every reference and
record: heads against their own hash, capture records chained from each head, states against the
captures, the index against the heads, the journal and the queue. Readable files edited or deleted
by hand are notices, not damage. Prints one line per problem, then the root hash over every
article's history: keep it elsewhere, and 'verify --root HASH' later says whether the history
since was only appended to. Exits 1 when the archive is damaged.`,
		Example: `  wxarchive verify
  wxarchive verify --quick --json
  wxarchive verify | tail -1 > root.txt; wxarchive verify --root "$(cut -d" " -f2 root.txt)"`,
		Args: noArgs,
		RunE: action(func(cmd *cobra.Command, args []string) error { return e.runVerify(o) }),
	}
	c.Flags().BoolVar(&o.json, "json", false, "one JSON object per line: each problem or notice, then a summary (docs/json.md)")
	c.Flags().BoolVar(&o.quick, "quick", false, "check the structure only, without re-hashing objects")
	c.Flags().StringVar(&o.root, "root", "", "also check that the history since root `HASH` (printed by an earlier verify) was only appended to")
	return c
}

func (e *env) runVerify(o verifyOptions) error {
	if o.root != "" {
		o.root = strings.ToLower(strings.TrimSpace(o.root))
		if len(o.root) != 64 || strings.Trim(o.root, "0123456789abcdef") != "" {
			return usageErrorf("--root %q: want the 64 hex digits of a root an earlier verify printed", o.root)
		}
	}
	a, err := e.openArchive()
	if err != nil {
		return err
	}
	rep, err := a.VerifyWith(archive.VerifyOptions{Quick: o.quick, Root: o.root})
	if err != nil {
		return err
	}
	out := newJSONLines(e.stdout)
	for _, p := range rep.Problems {
		if o.json {
			kind := "problem"
			if p.Notice {
				kind = "notice"
			}
			err = out.write(checkJSON{Kind: kind, Path: p.Path, Reason: p.Reason})
		} else {
			_, err = fmt.Fprintln(e.stdout, p)
		}
		if err != nil {
			return err
		}
	}
	damaged := rep.Damaged()
	if o.json {
		s := checkJSON{Kind: "summary", Archive: a.Dir(), Problems: damaged, Notices: len(rep.Problems) - damaged,
			Intact: damaged == 0, Root: rep.Root}
		if o.root != "" {
			s.Extends = damaged == 0
		}
		if err := out.write(s); err != nil {
			return err
		}
	} else if rep.Root != "" {
		fmt.Fprintf(e.stdout, "root %s\n", rep.Root)
	}
	if damaged > 0 {
		fmt.Fprintf(e.stderr, "wxarchive verify: %s in %s\n", plural(damaged, "problem"), a.Dir())
		return exitCode(exitFail)
	}
	if o.root != "" {
		fmt.Fprintf(e.stderr, "wxarchive verify: the history since root %.12s… was only appended to\n", o.root)
	}
	fmt.Fprintf(e.stderr, "wxarchive verify: %s is intact (%s, %s)\n", a.Dir(), plural(rep.Heads, "head"), plural(rep.Objects, "object"))
	return nil
}
