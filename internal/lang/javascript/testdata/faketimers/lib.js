function add(a, b) {
  let total = a;
  total += b;
  return total;
}

module.exports = { add };
