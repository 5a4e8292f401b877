import contextlib

counter = 0


def handle(command, args):
    global counter
    match command:
        case "add":
            counter += 1
            result = counter
        case "list" if args:
            for a in args:
                result = a
        case _:
            result = None
    try:
        value = int(args[0])
    except (ValueError, IndexError) as exc:
        value = -1
    else:
        value *= 2
    finally:
        done = True
    with contextlib.suppress(KeyError) as s, open(__file__) as (fh):
        first = fh.readline()
    return result, value, done, first
