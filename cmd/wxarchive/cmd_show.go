package main

import (
	"context"
	"fmt"
)

func cmdShow(ctx context.Context, e *env, args []string) int {
	fmt.Fprintln(e.stderr, "wxarchive show: not implemented yet")
	return exitFail
}
