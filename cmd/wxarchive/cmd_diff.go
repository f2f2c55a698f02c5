package main

import (
	"context"
	"fmt"
)

func cmdDiff(ctx context.Context, e *env, args []string) int {
	fmt.Fprintln(e.stderr, "wxarchive diff: not implemented yet")
	return exitFail
}
