package main

import (
	"context"
	"fmt"
)

func cmdIngest(ctx context.Context, e *env, args []string) int {
	fmt.Fprintln(e.stderr, "wxarchive ingest: not implemented yet")
	return exitFail
}
