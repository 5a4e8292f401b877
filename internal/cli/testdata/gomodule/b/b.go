// Package b computes powers.
package b

// Square returns x squared.
func Square(x int) int {
	y := x * x
	return y
}

// Cube returns x cubed.
func Cube(x int) int {
	y := x * x * x
	return y
}
