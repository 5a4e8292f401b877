"""The application: reports what a shelf is worth, with the library."""
import shelf.pricing


def report(titles):
    values = []
    for title in titles:
        values.append(shelf.pricing.price(title))
    print("value", sum(values))
    return sum(values)


def main():
    report(["dune", "emma", "ulysses"])


if __name__ == "__main__":
    main()
