package ingest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"time"

	"wxarchive/archive"
	"wxarchive/config"
	"wxarchive/fetcher"
)

// NewFetcher builds the fetcher the configuration describes, with its host
// cool-downs kept in the archive. WXARCHIVE_RESOLVE and WXARCHIVE_CA_FILE
// (see fetcher.ConfigFromEnv) are honoured for testing and debugging.
func NewFetcher(c config.Fetch, a *archive.Archive, log *slog.Logger) (*fetcher.Client, error) {
	fc := fetcher.ConfigFromFetch(c)
	fc.Logger = log
	if a != nil {
		fc.Cooldown = CooldownStore{Archive: a}
		fc.Daily = CooldownStore{Archive: a}
	}
	if err := fetcher.ConfigFromEnv(&fc); err != nil {
		return nil, fmt.Errorf("ingest: %w", err)
	}
	return fetcher.New(fc)
}

// cooldownState is the archive state file holding host cool-downs.
const cooldownState = "cooldowns.json"

// CooldownStore keeps the fetcher's host cool-downs in the archive.
type CooldownStore struct{ Archive *archive.Archive }

var _ fetcher.CooldownStore = CooldownStore{}

// LoadCooldowns reads the saved cool-downs; none saved is no error.
func (s CooldownStore) LoadCooldowns() (map[string]fetcher.Cooldown, error) {
	data, err := s.Archive.ReadState(cooldownState)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]fetcher.Cooldown{}, nil
	}
	if err != nil {
		return nil, err
	}
	m := map[string]fetcher.Cooldown{}
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("ingest: %s: %w", cooldownState, err)
	}
	return m, nil
}

// SaveCooldowns replaces the saved cool-downs.
func (s CooldownStore) SaveCooldowns(m map[string]fetcher.Cooldown) error {
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return s.Archive.WriteState(cooldownState, data)
}

// CoolingDownUntil reports whether WeChat's host is cooling down.
func (s *Service) CoolingDownUntil() (time.Time, bool) {
	if s.Fetcher == nil {
		return time.Time{}, false
	}
	return s.Fetcher.CoolingDown("mp.weixin.qq.com")
}
