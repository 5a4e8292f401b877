import { strict as assert } from "node:assert";

export class Queue {
  #items = [];
  push(...xs) {
    for (const x of xs) this.#items.push(x);
    return this.#items.length;
  }
  *drain() {
    while (this.#items.length) {
      yield this.#items.shift();
    }
  }
  static from(iterable) {
    const q = new Queue();
    q.push(...iterable);
    return q;
  }
}

export const sum = (...xs) => xs.reduce((a, b) => a + b, 0);

export async function retry(fn, times) {
  let lastError;
  for (let attempt = 1; attempt <= times; attempt++) {
    try {
      return await fn(attempt);
    } catch (e) {
      lastError = e;
    }
  }
  throw lastError;
}

function thrower(kind) {
  if (kind === "type") throw new TypeError("wrong type");
  if (kind === "value") throw 42;
  return kind;
}

const q = Queue.from([3, 1, 2]);
console.log([...q.drain()].join(","), sum(1, 2, 3), sum.length, retry.length);
console.log(await retry(async (n) => { if (n < 3) throw new Error("try " + n); return "ok after " + n; }, 5));
await retry(async () => { throw new RangeError("never"); }, 2).catch((e) => console.log(e.name, e.message));
for (const k of ["type", "value", "none"]) {
  try {
    console.log(thrower(k));
  } catch (e) {
    console.log("threw", typeof e, e instanceof Error ? e.message : e);
  }
}
assert.equal(typeof import.meta.url, "string");
console.log("done");
