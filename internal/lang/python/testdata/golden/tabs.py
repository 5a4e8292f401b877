def tabbed(a):
	result = []
	for x in a:
		if x:
			result.append(x)
	return result


class T:
	def m(self, v):
		w = v
		return w
