class Config:
    name = "config"
    count: int = 0
    count += 1
    a, b = 1, 2
    for i in range(2):
        count += i

    def get(self, key):
        value = getattr(self, key)
        return value
