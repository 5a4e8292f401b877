# telemetry-inject: ignore
def ignored(a):
    for x in a:
        y = x
    return a


def trailing(a):  # telemetry-inject: ignore
    return a


# telemetry-inject: ignore
class Ignored:
    def method(self, v):
        w = v
        return w


@staticmethod
# telemetry-inject: ignore
def between(a):
    return a


def kept(a):
    b = a
    return b
