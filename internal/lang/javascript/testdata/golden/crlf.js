function crlf(a, b) {
  const c = a + b;
  for (const x of [a, b]) {
    console.log(x);
  }
  return c;
}

module.exports = { crlf };
