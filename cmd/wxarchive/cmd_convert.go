package main

import (
	"context"
	"fmt"
)

func cmdConvert(ctx context.Context, e *env, args []string) int {
	fmt.Fprintln(e.stderr, "wxarchive convert: not implemented yet")
	return exitFail
}
