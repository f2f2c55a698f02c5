package pipeline

import (
	"testing"
	"time"

	"wxarchive/model"
)

func TestScheduleNext(t *testing.T) {
	const h, d = time.Hour, 24 * time.Hour
	p := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	s := Schedule{After: []time.Duration{h, d, 7 * d, 30 * d}, Every: 30 * d}
	tests := []struct {
		name string
		s    Schedule
		a    Article
		want time.Time
		ok   bool
	}{
		{"first after capture", s, Article{Published: p, LastCapture: p.Add(5 * time.Minute)}, p.Add(h), true},
		{"second", s, Article{Published: p, LastCapture: p.Add(2 * h)}, p.Add(d), true},
		{"at threshold", s, Article{Published: p, LastCapture: p.Add(d)}, p.Add(7 * d), true},
		{"then every", s, Article{Published: p, LastCapture: p.Add(31 * d)}, p.Add(60 * d), true},
		{"every, later", s, Article{Published: p, LastCapture: p.Add(95 * d)}, p.Add(120 * d), true},
		{"old article archived late", s, Article{Published: p, LastCapture: p.Add(400 * d)}, p.Add(420 * d), true},
		{"no every: stops", Schedule{After: []time.Duration{h}}, Article{Published: p, LastCapture: p.Add(2 * h)}, time.Time{}, false},
		{"no publication time", s, Article{LastCapture: p}, p.Add(30 * d), true},
		{"deleted is final", s, Article{Published: p, LastCapture: p, State: model.StateDeleted}, time.Time{}, false},
		{"violation is final", s, Article{Published: p, LastCapture: p, State: model.StateViolation}, time.Time{}, false},
		{"unavailable is rechecked", s, Article{Published: p, LastCapture: p, State: model.StateUnavailable}, p.Add(h), true},
		{"disabled", Schedule{}, Article{Published: p, LastCapture: p}, time.Time{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.s.Next(tt.a)
			if ok != tt.ok || !got.Equal(tt.want) {
				t.Errorf("Next = %v, %v; want %v, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestScheduleDueOrderAndCap(t *testing.T) {
	p := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	s := Schedule{After: []time.Duration{time.Hour}, Every: 24 * time.Hour}
	arts := []Article{
		{Key: "a", Published: p, LastCapture: p},                                 // due at p+1h
		{Key: "b", Published: p.Add(-48 * time.Hour), LastCapture: p},            // due at p+1d... later
		{Key: "c", Published: p.Add(-time.Hour), LastCapture: p.Add(-time.Hour)}, // due at p
		{Key: "d", Published: p, LastCapture: p.Add(2 * time.Hour)},              // not due
	}
	got := s.Due(arts, p.Add(25*time.Hour), 2)
	if len(got) != 2 || got[0].Key != "c" || got[1].Key != "a" {
		t.Errorf("Due = %+v", got)
	}
}
