package bench

import (
	"fmt"
	"time"
)

// slotUse accounts for a slot server's time, slot by slot, from its first
// request to its last answer: busy (a request held the slot, its service
// time and whatever the machine added to it), idle while a request waited
// in the queue (the server had work but had not yet woken the goroutine
// to run it: its own scheduling delay, which a loaded CPU stretches), and
// idle with nothing queued (the client had not sent the next request).
// Only the last is the client's doing.
type slotUse struct {
	last                         time.Time
	busy, idleQueued, idleNoWork time.Duration
}

// change integrates the state that held since the last change, before
// active or queued change; the server's lock must be held. Time before
// the first request and after the last answer is not counted.
func (u *slotUse) change(now time.Time, active, queued, slots int) {
	if !u.last.IsZero() {
		dt := now.Sub(u.last)
		u.busy += time.Duration(active) * dt
		idle := time.Duration(slots-active) * dt
		if queued > 0 {
			u.idleQueued += idle
		} else {
			u.idleNoWork += idle
		}
	}
	u.last = now
}

// SlotTime is how a slot server's slot time was spent (see slotUse).
type SlotTime struct {
	// Busy is slot time spent serving requests; Nominal what their
	// service times add up to, so Busy-Nominal is what the machine's load
	// added to them.
	Busy, Nominal time.Duration
	// IdleQueued is slot time idle while a request waited in the queue;
	// IdleNoWork idle while nothing was queued.
	IdleQueued, IdleNoWork time.Duration
}

// SlotTime returns how the slots' time was spent so far (zero for a
// hosted-API simulator).
func (s *Sim) SlotTime() SlotTime {
	s.mu.Lock()
	defer s.mu.Unlock()
	var nominal time.Duration
	for _, w := range s.served {
		nominal += w.Service
	}
	return SlotTime{Busy: s.slots.busy, Nominal: nominal, IdleQueued: s.slots.idleQueued, IdleNoWork: s.slots.idleNoWork}
}

// servedBound is the least wall time the server itself allowed: its slots'
// busy time and the time they stood idle with a request queued, spread
// over the slots, or the nominal bound when that is longer. On a loaded
// machine the server stretches service times (timers fire late, answers
// take CPU to write) and is slow to wake a queued request; a client cannot
// win that time back, so efficiency against this bound is the client's
// own share. Idle slot time with nothing queued stays the client's.
func (t SlotTime) servedBound(slots int, nominal time.Duration) time.Duration {
	return max(nominal, (t.Busy+t.IdleQueued)/time.Duration(slots))
}

// note describes the slot time in words, with efficiency against both
// bounds.
func (t SlotTime) note(slots int, nominal, wall time.Duration) string {
	served := t.servedBound(slots, nominal)
	return fmt.Sprintf("slots: busy %s for %s of service (+%.0f%% from the machine), idle %s with a request queued, %s with none; bound as served %s, eff %.2f against it",
		secs(t.Busy), secs(t.Nominal), 100*(t.Busy.Seconds()/max(1e-9, t.Nominal.Seconds())-1), secs(t.IdleQueued), secs(t.IdleNoWork), secs(served), served.Seconds()/wall.Seconds())
}
