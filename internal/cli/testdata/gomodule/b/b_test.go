package b_test

import (
	"testing"

	"example.com/gomodule/b"
)

func TestSquare(t *testing.T) {
	if got := b.Square(3); got != 9 {
		t.Fatalf("Square(3) = %d", got)
	}
}

func TestCube(t *testing.T) {
	if got := b.Cube(2); got != 8 {
		t.Fatalf("Cube(2) = %d", got)
	}
}
