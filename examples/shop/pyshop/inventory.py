"""Stock keeping."""
from __future__ import annotations


class OutOfStock(Exception):
    pass


class Inventory:
    def __init__(self, items: dict[str, int]):
        self._items = dict(items)

    @property
    def skus(self):
        return sorted(self._items)

    def reserve(self, sku, quantity):
        available = self._items.get(sku, 0)
        if available < quantity:
            raise OutOfStock(f"{sku}: {available} left, {quantity} wanted")
        self._items[sku] = available - quantity
        return self._items[sku]

    def low_stock(self, threshold=2):
        for sku in self.skus:
            if self._items[sku] <= threshold:
                yield sku
