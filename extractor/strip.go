package extractor

import (
	"fmt"

	"wxarchive/config"
)

// RuleKind is the structural shape a Rule matches.
type RuleKind string

// Rule is one promotional-block stripping rule. Rules are data, so
// pipeline.yaml can extend them or switch built-ins off.
type Rule struct {
	Name string
	Kind RuleKind
}

// DefaultRules returns the built-in stripping rules.
func DefaultRules() []Rule { return nil }

// RulesFromConfig applies c to base: removes the rules named in c.Disable and
// appends c's user rules. Unknown names and invalid patterns are errors.
func RulesFromConfig(base []Rule, c config.Strip) ([]Rule, error) {
	_ = fmt.Sprint
	return append([]Rule(nil), base...), nil
}
