package main

import (
	"context"
	"fmt"
)

func cmdRun(ctx context.Context, e *env, args []string) int {
	fmt.Fprintln(e.stderr, "wxarchive run: not implemented yet")
	return exitFail
}
