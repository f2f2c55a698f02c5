package main

import (
	"context"
	"fmt"
)

func cmdList(ctx context.Context, e *env, args []string) int {
	fmt.Fprintln(e.stderr, "wxarchive list: not implemented yet")
	return exitFail
}
