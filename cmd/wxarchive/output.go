package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/term"

	"wxarchive/archive"
	"wxarchive/internal/fuzzy"
	"wxarchive/internal/textsafe"
)

// plural writes "1 article", "2 articles"; word is the singular, and the
// plural adds "s" unless given.
func plural(n int, word string, pluralForm ...string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, word)
	}
	if len(pluralForm) > 0 {
		return fmt.Sprintf("%d %s", n, pluralForm[0])
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// timeLayout is how times are shown to people: with their zone.
const timeLayout = "2006-01-02 15:04:05 -07:00"

// showTime formats t in the local zone with its offset; "-" when unknown.
func showTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Local().Format(timeLayout)
}

// colorChoice is the value of a --color flag.
type colorChoice string

func (c *colorChoice) String() string { return string(*c) }
func (c *colorChoice) Type() string   { return "WHEN" }
func (c *colorChoice) Set(s string) error {
	switch s {
	case "auto", "always", "never":
		*c = colorChoice(s)
		return nil
	}
	return fmt.Errorf("want auto, always or never, not %q", s)
}

// useColor decides colour: always, never, or (auto) only when w is a
// terminal and NO_COLOR is unset (https://no-color.org).
func (e *env) useColor(c colorChoice, w io.Writer) bool {
	switch c {
	case "always":
		return true
	case "never":
		return false
	}
	if e.getenv("NO_COLOR") != "" || e.getenv("TERM") == "dumb" {
		return false
	}
	return isTerminal(w)
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// jsonLines writes one JSON object per line, HTML characters unescaped.
type jsonLines struct{ enc *json.Encoder }

func newJSONLines(w io.Writer) jsonLines {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return jsonLines{enc}
}

func (j jsonLines) write(v any) error { return j.enc.Encode(v) }

// printClosest follows a "not found" with the articles the user may have
// meant, or the way to list them.
func printClosest(w io.Writer, nf *archive.NotFoundError) {
	if len(nf.Closest) == 0 {
		fmt.Fprintln(w, "  'wxarchive list' shows the archived articles")
		return
	}
	if nf.Ambiguous {
		fmt.Fprintln(w, "  it could be:")
		defer func() {
			if more := nf.Matches - len(nf.Closest); more > 0 {
				fmt.Fprintf(w, "    … and %d more: type more of the key\n", more)
			}
		}()
	} else {
		fmt.Fprintln(w, "  closest matches:")
	}
	for _, i := range nf.Closest {
		fmt.Fprintf(w, "    %s  %s\n", i.Key, oneLine(listTitle(i)))
	}
}

// oneLine makes page text safe for one line of a terminal: a hostile title
// can neither break a table nor send escape sequences to the terminal.
func oneLine(s string) string { return textsafe.Line(s) }

// suggestFlag adds "did you mean --x?" to pflag's unknown-flag errors.
func suggestFlag(c *cobra.Command, err error) error {
	msg := err.Error()
	name, ok := strings.CutPrefix(msg, "unknown flag: --")
	if !ok {
		return err
	}
	var names []string
	add := func(f *pflag.Flag) {
		if !f.Hidden {
			names = append(names, f.Name)
		}
	}
	c.Flags().VisitAll(add)
	c.InheritedFlags().VisitAll(add)
	if best := fuzzy.Closest(name, names, 2, 1); len(best) > 0 {
		return fmt.Errorf("%s; did you mean --%s?", msg, best[0])
	}
	return err
}

// oneOf checks a flag value with fixed choices, naming them when wrong.
func oneOf(flag, value string, valid []string) error {
	if value == "" {
		return nil
	}
	for _, v := range valid {
		if v == value {
			return nil
		}
	}
	return usageErrorf("--%s %q: want one of %s", flag, value, strings.Join(valid, ", "))
}
