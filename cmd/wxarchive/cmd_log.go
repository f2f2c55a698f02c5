package main

import (
	"context"
	"fmt"
)

func cmdLog(ctx context.Context, e *env, args []string) int {
	fmt.Fprintln(e.stderr, "wxarchive log: not implemented yet")
	return exitFail
}
