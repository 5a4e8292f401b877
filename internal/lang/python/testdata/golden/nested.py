def outer(a, b):
    def middle(c):
        def inner(d):
            return a + c + d
        return inner(b)

    class Local:
        attr = 1

        def method(self, x):
            return x

    return middle(a) + Local().method(b)
