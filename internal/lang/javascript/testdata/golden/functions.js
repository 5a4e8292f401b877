const path = require("path");

function greet(name, greeting = "hello", ...rest) {
  const message = greeting + ", " + name;
  return message;
}

const namedExpr = function inner(a, b) {
  return a + b;
};

const anonExpr = function (a) {
  return a * 2;
};

const square = (n) => n * n;
const objectArrow = (a) => ({ a });
const single = x => x + 1;
const asyncExpr = async (id) => await Promise.resolve(id);
const curried = (a) => (b) => a + b;

const blockArrow = (a, b) => {
  const sum = a + b;
  return sum;
};

const asyncBlock = async (url) => {
  const res = await fetchIt(url);
  return res;
};

async function fetchIt(url) {
  "use strict";
  return path.join(url, "x");
}

function* counter(limit) {
  let i = 0;
  while (i < limit) {
    yield i++;
  }
}

async function* stream(items) {
  for await (const item of items) {
    yield item;
  }
}

function empty() {}

function emptyLines() {
}

[1, 2].map(function (v) { return v; });
[1, 2].forEach((v) => {
  console.log(v);
});

exports.handler = function (event, context) {
  return { event, context };
};

module.exports = { greet, square, counter, stream };
