package bench

import (
	"slices"
	"time"
)

// What a simulated host saw, for rows and bounds, and how a run measured
// after another one on the same account is set up.

// Served returns the work of every request answered OK so far.
func (s *Sim) Served() []Work {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.served)
}

// Arrivals returns when each request arrived, measured from the first,
// in arrival order.
func (s *Sim) Arrivals() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.arrived)
}

// Counts returns what the server saw so far.
func (s *Sim) Counts() SimCounts {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts
}

// FullIn is how long until both buckets are full again.
func (s *Sim) FullIn() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refill(time.Now())
	return max(s.resetIn(s.reqs, s.cfg.RPM), s.resetIn(s.toks, s.cfg.TPM))
}

// ForgetHistory clears what the server saw (counts, served work,
// arrivals) but not its buckets, so a run measured after another one on
// the same account is judged on its own requests.
func (s *Sim) ForgetHistory() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts, s.served, s.arrived, s.first = SimCounts{}, nil, nil, time.Time{}
	s.slots = slotUse{}
}
