"""Prices and discounts."""
import asyncio

PRICES = {"apple": 0.5, "pear": 0.75, "melon": 3.0}


def price(sku, quantity, discount=0.0):
    total = PRICES[sku] * quantity
    total -= total * discount
    return round(total, 2)


async def quote(items):
    await asyncio.sleep(0)
    subtotal = 0.0
    for sku, quantity in items:
        subtotal += price(sku, quantity)
    return round(subtotal, 2)
