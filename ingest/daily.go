package ingest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"

	"wxarchive/fetcher"
)

// dailyState is the archive state file holding the requests counted
// against the hosts' daily caps (fetch.hosts.*.daily_cap).
const dailyState = "daily.json"

var _ fetcher.DailyStore = CooldownStore{}

// LoadDaily reads the saved daily counts; none saved is no error.
func (s CooldownStore) LoadDaily() (map[string]fetcher.DayCount, error) {
	data, err := s.Archive.ReadState(dailyState)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]fetcher.DayCount{}, nil
	}
	if err != nil {
		return nil, err
	}
	m := map[string]fetcher.DayCount{}
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("ingest: %s: %w", dailyState, err)
	}
	return m, nil
}

// SaveDaily replaces the saved daily counts.
func (s CooldownStore) SaveDaily(m map[string]fetcher.DayCount) error {
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return s.Archive.WriteState(dailyState, data)
}
