// Package a adds up what package b computes, with no context passed.
package a

import "example.com/gomodule/b"

// Run adds the squares below n on this goroutine and has a cube computed
// on a goroutine of its own.
func Run(n int) (int, int) {
	total := 0
	for i := 0; i < n; i++ {
		total += b.Square(i)
	}
	done := make(chan int)
	go func() {
		done <- b.Cube(n)
	}()
	cube := <-done
	return total, cube
}
