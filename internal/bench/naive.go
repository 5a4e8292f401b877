package bench

import (
	"context"
	"errors"
	"sync"
	"time"
)

// naiveOptions configure the seed's design.
type naiveOptions struct {
	// Parallel is the fixed semaphore, sized from the tier table
	// ("500 RPM → 50 parallel": RPM/10).
	Parallel int
	// RPM is the tier table's requests per Window; a counter allows that
	// many per window and sleeps to the next window when it is used up.
	RPM    int
	Window time.Duration
	// Attempts and RetryWait: failures are retried after a fixed wait,
	// ignoring retry-after.
	Attempts  int
	RetryWait time.Duration
	Timeout   time.Duration
}

// naiveResult is what the naive runner measured.
type naiveResult struct {
	ok, failed, attempts, peak int
	latencies                  []time.Duration
	wall                       time.Duration
}

// runNaive is the seed's request loop, kept for contrast: a fixed pool, a
// per-window request counter that resets all at once (so it bursts a whole
// window's quota at each boundary), and fixed-wait retries.
func runNaive(ctx context.Context, c *client, jobs []job, o naiveOptions) naiveResult {
	var (
		mu       sync.Mutex
		res      naiveResult
		inFlight int
		count    int
		winStart = time.Now()
	)
	// admit blocks until the per-window counter allows one more request.
	admit := func() bool {
		for {
			mu.Lock()
			if now := time.Now(); now.Sub(winStart) >= o.Window {
				winStart, count = now, 0
			}
			if count < o.RPM {
				count++
				mu.Unlock()
				return true
			}
			wait := o.Window - time.Since(winStart)
			mu.Unlock()
			if !sleep(ctx, wait) {
				return false
			}
		}
	}
	start := time.Now()
	sem := make(chan struct{}, o.Parallel)
	var wg sync.WaitGroup
	for _, j := range jobs {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			ok := false
			for a := 0; a < o.Attempts && !ok; a++ {
				if a > 0 && !sleep(ctx, o.RetryWait) {
					break
				}
				if !admit() {
					break
				}
				mu.Lock()
				res.attempts++
				inFlight++
				res.peak = max(res.peak, inFlight)
				mu.Unlock()
				actx, cancel := context.WithTimeout(ctx, o.Timeout)
				t0 := time.Now()
				_, _, _, err := c.do(actx, 0, j)
				cancel()
				lat := time.Since(t0)
				mu.Lock()
				inFlight--
				if err == nil {
					res.latencies = append(res.latencies, lat)
				}
				mu.Unlock()
				if err == nil {
					ok = true
				} else if errors.Is(err, errMalformed) {
					break
				}
			}
			mu.Lock()
			if ok {
				res.ok++
			} else {
				res.failed++
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.wall = time.Since(start)
	return res
}
