import asyncio

from .inventory import Inventory, OutOfStock
from .pricing import quote


def main():
    inventory = Inventory({"apple": 10, "pear": 3, "melon": 1})
    order = [("apple", 4), ("pear", 2), ("melon", 2)]
    accepted = []
    for sku, quantity in order:
        try:
            left = inventory.reserve(sku, quantity)
            accepted.append((sku, quantity))
            print(f"reserved {quantity} {sku}, {left} left")
        except OutOfStock as err:
            print(f"refused: {err}")
    print("total", asyncio.run(quote(accepted)))
    print("low stock:", ", ".join(inventory.low_stock()))


if __name__ == "__main__":
    main()
