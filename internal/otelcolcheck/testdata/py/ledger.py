"""A ledger: parses entries, totals them, and fails on a bad one."""


class EntryError(ValueError):
    """An entry that cannot be read."""


def parse(line):
    name, _, amount = line.partition("=")
    if not amount:
        raise EntryError("no amount in " + repr(line))
    return name.strip(), int(amount)


def total(lines):
    balance = 0
    for line in lines:
        _, amount = parse(line)
        balance += amount
    return balance


def main():
    print("total", total(["rent=-900", "pay=2500", "food=-300"]))
    try:
        total(["ok=1", "broken"])
    except EntryError as e:
        print("rejected:", e)


if __name__ == "__main__":
    main()
