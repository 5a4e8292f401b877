package main

import (
	"context"
	"math"
	"sync"
)

var prices = map[string]float64{"apple": 0.5, "pear": 0.75, "melon": 3.0}

type line struct {
	sku      string
	quantity int
}

func price(ctx context.Context, sku string, quantity int) float64 {
	total := prices[sku] * float64(quantity)
	return math.Round(total*100) / 100
}

// quote prices the lines concurrently, one goroutine each; they are handed
// ctx, so their spans join the quote's trace.
func quote(ctx context.Context, items []line) float64 {
	totals := make([]float64, len(items))
	var wg sync.WaitGroup
	for i, it := range items {
		wg.Add(1)
		go func(i int, it line) {
			defer wg.Done()
			totals[i] = price(ctx, it.sku, it.quantity)
		}(i, it)
	}
	wg.Wait()
	subtotal := 0.0
	for _, t := range totals {
		subtotal += t
	}
	return math.Round(subtotal*100) / 100
}
