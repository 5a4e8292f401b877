"""The library: prices a book by its title."""


def price(title):
    base = len(title) * 3
    if title.startswith("u"):
        base += 10
    return base
