package model

import "time"

// Hint is what a listing (a followed account's WeRead listing) says of an
// article before it is captured: kept in the queue, then handed to the
// archive, which shows it for an article never read (deleted or
// unavailable when fetched) until a capture reads the article itself.
type Hint struct {
	Title     string    `json:"title,omitempty"`
	Published time.Time `json:"published,omitzero"`
	Cover     string    `json:"cover,omitempty"`
	Digest    string    `json:"digest,omitempty"`
}
