package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
)

func cmdVerify(ctx context.Context, e *env, args []string) int {
	var af archiveFlags
	fs := newFlags(e, "verify", "")
	af.register(fs)
	asJSON := fs.Bool("json", false, "one JSON object per problem")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return usageErr(e, "verify", err)
	}
	if len(pos) != 0 {
		return usageErr(e, "verify", errors.New("verify takes no arguments"))
	}
	a, err := af.open(e)
	if err != nil {
		return fail(e, "verify", err)
	}
	probs, err := a.Verify()
	if err != nil {
		return fail(e, "verify", err)
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetEscapeHTML(false)
	for _, p := range probs {
		if *asJSON {
			err = enc.Encode(p)
		} else {
			_, err = fmt.Fprintln(e.stdout, p)
		}
		if err != nil {
			return fail(e, "verify", err)
		}
	}
	if len(probs) > 0 {
		fmt.Fprintf(e.stderr, "wxarchive verify: %d problems in %s\n", len(probs), a.Dir())
		return exitFail
	}
	fmt.Fprintf(e.stderr, "wxarchive verify: %s is intact\n", a.Dir())
	return exitOK
}
