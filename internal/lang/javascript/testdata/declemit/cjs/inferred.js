// Checked and declared by tsc (allowJs) as CommonJS: what the runtime's
// lookup gives keeps the runtime's types, so the async bodies that move
// into an arrow keep the types tsc inferred for the functions.
"use strict";

/** @param {string} s */
async function upper(s) {
  const t = await Promise.resolve(s);
  return t.toUpperCase();
}

/** @param {number[]} items */
const total = async (items) => items.reduce((a, b) => a + b, 0);

class Queue {
  /** @param {number} n */
  async take(n) {
    const items = [n, n + 1];
    return { items, count: items.length };
  }

  async close() {
    const reason = "closed";
    throw new Error(reason);
  }
}

function plain() {
  function inner() {
    return 1;
  }
  return inner();
}

module.exports = { upper, total, Queue, plain };
