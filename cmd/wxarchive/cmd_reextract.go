package main

import (
	"context"
	"fmt"
)

func cmdReextract(ctx context.Context, e *env, args []string) int {
	fmt.Fprintln(e.stderr, "wxarchive reextract: not implemented yet")
	return exitFail
}
