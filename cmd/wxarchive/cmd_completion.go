package main

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"wxarchive/internal/fuzzy"
)

// completionShells are the shells cobra writes completion scripts for.
var completionShells = []string{"bash", "zsh", "fish", "powershell"}

// setupCompletion adds cobra's completion command now (cobra would add it
// when the root runs) and makes it behave like the other commands: an
// unknown shell, or none, is a usage error naming the shells, not the help
// and exit 0. The root's output streams must be set: the scripts go there.
func setupCompletion(root *cobra.Command, e *env) {
	for _, c := range root.Commands() {
		// A command without arguments completes no file names.
		if c.Use == c.Name() && c.ValidArgsFunction == nil {
			c.ValidArgsFunction = cobra.NoFileCompletions
		}
		if c.Flags().Lookup("account") != nil {
			_ = c.RegisterFlagCompletionFunc("account", e.completeAccounts)
		}
	}
	root.InitDefaultCompletionCmd()
	c, _, err := root.Find([]string{"completion"})
	if err != nil || c == root {
		return
	}
	c.Example = `  wxarchive completion bash > ~/.local/share/bash-completion/completions/wxarchive
  wxarchive completion zsh > "${fpath[1]}/_wxarchive"
  wxarchive completion fish > ~/.config/fish/completions/wxarchive.fish`
	c.Args = cobra.ArbitraryArgs
	c.RunE = func(cmd *cobra.Command, args []string) error {
		want := strings.Join(completionShells[:3], ", ") + " or " + completionShells[3]
		if len(args) == 0 {
			return usageErrorf("name a shell: %s", want)
		}
		msg := fmt.Sprintf("unknown shell %q: want %s", args[0], want)
		if best := fuzzy.Closest(args[0], completionShells, 2, 1); len(best) > 0 {
			msg += "; did you mean " + best[0] + "?"
		}
		return usageErrorf("%s", msg)
	}
	_ = root.MarkPersistentFlagDirname("archive")
	_ = root.MarkPersistentFlagFilename("config", "yaml", "yml")
}

// completeArticles completes article keys for the first max arguments
// (0: every argument), and nothing after them. Files complete too: the
// path of a readable file names its article.
func (e *env) completeArticles(max int) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if max > 0 && len(args) >= max {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return e.articleKeys()
	}
}

func (e *env) articleKeys() ([]cobra.Completion, cobra.ShellCompDirective) {
	a, err := e.openArchive()
	if err != nil {
		return nil, cobra.ShellCompDirectiveDefault
	}
	list, err := a.List()
	if err != nil {
		return nil, cobra.ShellCompDirectiveDefault
	}
	var out []cobra.Completion
	for _, i := range list {
		out = append(out, cobra.CompletionWithDesc(string(i.Key), oneLine(listTitle(i))))
	}
	return out, cobra.ShellCompDirectiveDefault
}

// completeAccounts completes the names of the archived accounts.
func (e *env) completeAccounts(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	a, err := e.openArchive()
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	list, err := a.List()
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []cobra.Completion
	seen := map[string]bool{}
	for _, i := range list {
		if name := oneLine(i.Account); name != "" && !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out, cobra.ShellCompDirectiveNoFileComp
}

// completeDiff completes diff ARTICLE [A [B]]: the article, then the
// numbers of its versions.
func (e *env) completeDiff(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	switch {
	case len(args) == 0:
		return e.articleKeys()
	case len(args) > 2:
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	a, err := e.openArchive()
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	info, err := resolveArticle(a, args[0])
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []cobra.Completion
	for n := 1; n <= info.Versions; n++ {
		out = append(out, strconv.Itoa(n))
	}
	return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveKeepOrder
}

// listCompletion completes a comma-separated list of fixed values: the
// values not given yet, after those given.
func listCompletion(values []string) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		given, prefix := []string(nil), ""
		if i := strings.LastIndexByte(toComplete, ','); i >= 0 {
			prefix = toComplete[:i+1]
			given = strings.Split(toComplete[:i], ",")
		}
		var out []cobra.Completion
		for _, v := range values {
			if !slices.Contains(given, v) {
				out = append(out, prefix+v)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}
