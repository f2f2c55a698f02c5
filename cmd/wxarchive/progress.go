package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"

	"wxarchive/ingest"
)

// progressDelay is how long a step runs before the display shows it: a
// quick capture shows nothing.
const progressDelay = time.Second

// termProgress shows on a terminal what the capture in progress is doing:
// the page being fetched, with its time (one unreachable URL is no longer a
// minute of silence), and an article's images as they are saved. One line,
// rewritten in place, cleared when the step ends.
type termProgress struct {
	w     io.Writer
	now   func() time.Time
	mu    sync.Mutex
	cur   ingest.Progress
	since time.Time // when cur's step began
	shown bool
	done  chan struct{}
}

// newTermProgress returns a display on w when w is a terminal that can
// erase a line (not TERM=dumb), else nil.
func newTermProgress(w io.Writer, termName string) *termProgress {
	f, ok := w.(*os.File)
	if !ok || termName == "dumb" || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	p := &termProgress{w: w, now: time.Now, done: make(chan struct{})}
	go func() {
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				p.tick()
			case <-p.done:
				return
			}
		}
	}()
	return p
}

// update is the ingest.Service Progress hook.
func (p *termProgress) update(ev ingest.Progress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if ev.Stage != p.cur.Stage || ev.Target != p.cur.Target || ev.Stage == "page" {
		p.since = p.now()
	}
	p.cur = ev
	if ev.Stage == "images" && ev.Done >= ev.Total {
		p.clearLocked()
		p.cur = ingest.Progress{}
	}
}

// tick redraws the line.
func (p *termProgress) tick() {
	p.mu.Lock()
	defer p.mu.Unlock()
	line := p.lineLocked()
	if line == "" {
		p.clearLocked()
		return
	}
	fmt.Fprintf(p.w, "\r\033[K%s", line)
	p.shown = true
}

func (p *termProgress) lineLocked() string {
	c := p.cur
	took := p.now().Sub(p.since)
	if c.Stage == "" || took < progressDelay {
		return ""
	}
	secs := fmt.Sprintf("%ds", int(took.Seconds()))
	switch c.Stage {
	case "page":
		return "fetching " + shorten(strings.TrimPrefix(c.URL, "https://"), 70) + " … " + secs
	case "images":
		return fmt.Sprintf("images %d/%d of %s … %s", c.Done, c.Total, shorten(c.Target, 50), secs)
	}
	return ""
}

func (p *termProgress) clearLocked() {
	if p.shown {
		fmt.Fprint(p.w, "\r\033[K")
		p.shown = false
	}
}

// stop ends the display and clears its line.
func (p *termProgress) stop() {
	close(p.done)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clearLocked()
}

// shorten cuts s to n runes with an ellipsis in the middle.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n/2]) + "…" + string(r[len(r)-n/2+1:])
}
