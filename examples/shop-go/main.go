// Command shop is the Go part of the example: it prints the same lines as
// python3 -m pyshop, instrumented or not.
package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

func main() {
	inventory := NewInventory(map[string]int{"apple": 10, "pear": 3, "melon": 1})
	order := []line{{"apple", 4}, {"pear", 2}, {"melon", 2}}
	var accepted []line
	for _, it := range order {
		left, err := inventory.Reserve(it.sku, it.quantity)
		var out *OutOfStock
		if errors.As(err, &out) {
			fmt.Println("refused:", err)
			continue
		}
		accepted = append(accepted, it)
		fmt.Printf("reserved %d %s, %d left\n", it.quantity, it.sku, left)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	fmt.Println("total", quote(ctx, accepted))
	fmt.Println("low stock:", strings.Join(inventory.LowStock(2), ", "))
}
