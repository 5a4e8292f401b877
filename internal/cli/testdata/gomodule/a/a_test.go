package a

import "testing"

func TestRun(t *testing.T) {
	if total, cube := Run(4); total != 14 || cube != 64 {
		t.Fatalf("Run(4) = %d, %d", total, cube)
	}
}

func TestRunZero(t *testing.T) {
	if total, cube := Run(0); total != 0 || cube != 0 {
		t.Fatalf("Run(0) = %d, %d", total, cube)
	}
}
