package model

// State is what a fetched or saved page turned out to be.
type State string

const (
	StateArticle     State = "article"      // a readable article
	StateDeleted     State = "deleted"      // 该内容已被发布者删除
	StateViolation   State = "violation"    // 违规, complaint, infringement
	StateAccountGone State = "account_gone" // account blocked, migrated, closed
	StateUnavailable State = "unavailable"  // 该内容暂时无法查看, app-only shell
	StateVerify      State = "verify"       // captcha / 环境异常 verification page
	StateRateLimited State = "rate_limited" // 你的访问过于频繁
	StateExpired     State = "expired"      // 链接已过期
	StateParamError  State = "param_error"  // 参数错误
	StateNotArticle  State = "not_article"  // an album page, a page without an article body
	StateTruncated   State = "truncated"    // the page was cut off before its body: a failed capture
)

// States lists every state, in the order of their declaration.
func States() []State {
	return []State{StateArticle, StateDeleted, StateViolation, StateAccountGone, StateUnavailable,
		StateVerify, StateRateLimited, StateExpired, StateParamError, StateNotArticle, StateTruncated}
}

// Blocked reports whether the state means WeChat refused us (the host must
// cool down).
func (s State) Blocked() bool { return s == StateVerify || s == StateRateLimited }

// Outcome is the result of one capture attempt, as the archive records it and
// `ingest --json` prints it.
type Outcome string

const (
	OutcomeCreated     Outcome = "created"     // first version of an article
	OutcomeUpdated     Outcome = "updated"     // a new version of a known article
	OutcomeUnchanged   Outcome = "unchanged"   // same content as the latest version
	OutcomeRerendered  Outcome = "rerendered"  // same page as the latest version, rendered anew by a newer extractor: no edit
	OutcomeEarlier     Outcome = "earlier"     // a version older than the latest (a page saved before it): kept in its place by time, no edit
	OutcomeDeleted     Outcome = "deleted"     // deleted by the author
	OutcomeViolation   Outcome = "violation"   // removed for violation / complaint / account gone
	OutcomeUnavailable Outcome = "unavailable" // temporarily unavailable, param error, not an article
	OutcomeBlocked     Outcome = "blocked"     // verification or rate-limit page
	OutcomeExpired     Outcome = "expired"     // expired temporary link
	OutcomeFailed      Outcome = "failed"      // network error, truncated body, bad input
)

// OutcomeOf maps a non-article page state to its capture outcome.
func OutcomeOf(s State) Outcome {
	switch s {
	case StateDeleted:
		return OutcomeDeleted
	case StateViolation, StateAccountGone:
		return OutcomeViolation
	case StateVerify, StateRateLimited:
		return OutcomeBlocked
	case StateExpired:
		return OutcomeExpired
	case StateUnavailable, StateParamError, StateNotArticle:
		return OutcomeUnavailable
	case StateTruncated:
		return OutcomeFailed
	}
	return OutcomeFailed
}
