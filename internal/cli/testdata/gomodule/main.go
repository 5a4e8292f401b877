// Command gomodule sums squares in package a, which calls package b.
package main

import (
	"fmt"

	"example.com/gomodule/a"
)

func main() {
	total, cube := a.Run(4)
	fmt.Println("total", total, "cube", cube)
}
