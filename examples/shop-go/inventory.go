package main

import (
	"fmt"
	"sort"
)

// OutOfStock is the error of a reservation the stock cannot cover.
type OutOfStock struct {
	SKU             string
	Left, Requested int
}

func (e *OutOfStock) Error() string {
	return fmt.Sprintf("%s: %d left, %d wanted", e.SKU, e.Left, e.Requested)
}

// Inventory keeps the stock of each SKU.
type Inventory struct {
	items map[string]int
}

// NewInventory copies items into a new inventory.
func NewInventory(items map[string]int) *Inventory {
	inv := &Inventory{items: map[string]int{}}
	for sku, n := range items {
		inv.items[sku] = n
	}
	return inv
}

// Reserve takes quantity of sku out of stock and returns what is left.
func (inv *Inventory) Reserve(sku string, quantity int) (int, error) {
	available := inv.items[sku]
	if available < quantity {
		return 0, &OutOfStock{SKU: sku, Left: available, Requested: quantity}
	}
	inv.items[sku] = available - quantity
	return inv.items[sku], nil
}

// LowStock lists the SKUs with at most threshold left, in order.
func (inv *Inventory) LowStock(threshold int) []string {
	var low []string
	for sku, n := range inv.items {
		if n <= threshold {
			low = append(low, sku)
		}
	}
	sort.Strings(low)
	return low
}
