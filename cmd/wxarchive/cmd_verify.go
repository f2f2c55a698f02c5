package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func newVerifyCmd(e *env) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "verify",
		Short: "Re-hash every object and check every reference",
		Long: `Re-hash every stored object (raw pages, versions, images) and check every reference
between heads, captures, versions and the index. Prints one line per problem; exits 1 when
the archive is damaged.`,
		Args: noArgs,
		RunE: action(func(cmd *cobra.Command, args []string) error { return e.runVerify(asJSON) }),
	}
	c.Flags().BoolVar(&asJSON, "json", false, "one JSON object per line: each problem, then a summary (docs/json.md)")
	return c
}

func (e *env) runVerify(asJSON bool) error {
	a, err := e.openArchive()
	if err != nil {
		return err
	}
	probs, err := a.Verify()
	if err != nil {
		return err
	}
	out := newJSONLines(e.stdout)
	for _, p := range probs {
		if asJSON {
			err = out.write(checkJSON{Kind: "problem", Path: p.Path, Reason: p.Reason})
		} else {
			_, err = fmt.Fprintln(e.stdout, p)
		}
		if err != nil {
			return err
		}
	}
	if asJSON {
		if err := out.write(checkJSON{Kind: "summary", Archive: a.Dir(), Problems: len(probs), Intact: len(probs) == 0}); err != nil {
			return err
		}
	}
	if len(probs) > 0 {
		fmt.Fprintf(e.stderr, "wxarchive verify: %s in %s\n", plural(len(probs), "problem"), a.Dir())
		return exitCode(exitFail)
	}
	fmt.Fprintf(e.stderr, "wxarchive verify: %s is intact\n", a.Dir())
	return nil
}
