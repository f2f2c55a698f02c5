//go:build !linux

package benchstat

import "time"

func threadCPU() time.Duration { return 0 }
