package parallel

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

func TestOrderedMapKeepsOrder(t *testing.T) {
	var got []int
	err := OrderedMap(context.Background(), 100, 4, func(i int) int {
		time.Sleep(time.Duration((i*37)%5) * time.Millisecond) // finish out of order
		return i * i
	}, func(i, r int) error {
		if r != i*i {
			t.Errorf("result %d for item %d", r, i)
		}
		got = append(got, i)
		return nil
	})
	if err != nil || len(got) != 100 {
		t.Fatalf("err %v, %d results", err, len(got))
	}
	for i, v := range got {
		if v != i {
			t.Fatalf("emitted out of order: %v", got)
		}
	}
}

// However slow the first item, no more than a window of results waits.
func TestOrderedMapBoundsInFlight(t *testing.T) {
	var started, whilePending atomic.Int64
	release := make(chan struct{})
	go func() {
		time.Sleep(50 * time.Millisecond)
		whilePending.Store(started.Load())
		close(release)
	}()
	err := OrderedMap(context.Background(), 1000, 3, func(i int) int {
		started.Add(1)
		if i == 0 {
			<-release
		}
		return i
	}, func(i, r int) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	if m := whilePending.Load(); m > 2*3+1 {
		t.Errorf("%d items started while the first was pending; want at most the window", m)
	}
}

func TestOrderedMapStops(t *testing.T) {
	boom := errors.New("boom")
	var calls atomic.Int64
	err := OrderedMap(context.Background(), 1000, 2, func(i int) int { calls.Add(1); return i },
		func(i, r int) error {
			if i == 10 {
				return boom
			}
			return nil
		})
	if !errors.Is(err, boom) || calls.Load() > 20 {
		t.Errorf("err %v after %d calls", err, calls.Load())
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	n := 0
	err = OrderedMap(ctx, 1000, 2, func(i int) int { return i }, func(i, r int) error { n++; return nil })
	if !errors.Is(err, context.Canceled) || n != 0 {
		t.Errorf("cancelled: err %v, %d emitted", err, n)
	}
}
