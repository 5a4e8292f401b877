import sys

from pkg.core import total


def main(argv):
    count = len(argv)
    result = total(int(a) for a in argv)
    print(count, result)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
