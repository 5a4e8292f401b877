const globalsBefore = Object.getOwnPropertyNames(globalThis).join(",");
/*@ti{*/const __ti = require("./_telemetry_utils.js");/*}@ti*/
// Values that count every operation the runtime could perform on them:
// getters, Proxy traps, conversions, inspection. The program prints the
// count, which must stay 0, and whether the global object changed.

let calls = 0;
const hit = () => { calls++; };
const traps = {};
for (const k of ["get", "set", "has", "ownKeys", "getOwnPropertyDescriptor", "getPrototypeOf", "defineProperty", "apply", "construct"]) {
  traps[k] = function (...args) { hit(); return Reflect[k](...args); };
}
class Sneaky {
  get length() { hit(); return 1; }
  get size() { hit(); return 1; }
  toString() { hit(); return "s"; }
  valueOf() { hit(); return 1; }
  toJSON() { hit(); return {}; }
  [Symbol.toPrimitive]() { hit(); return 1; }
  get [Symbol.toStringTag]() { hit(); return "Map"; }
  [Symbol.for("nodejs.util.inspect.custom")]() { hit(); return "x"; }
}
class MyMap extends Map { get size() { hit(); return 0; } }
class MyArray extends Array {}
class BadError extends Error { get message() { hit(); return "m"; } }
const withGetter = { get secret() { hit(); return "x"; }, n: 1 };
const errGetter = new Error("x");
Object.defineProperty(errGetter, "message", { get() { hit(); return "y"; } });
Object.defineProperty(errGetter, "stack", { get() { hit(); return "z"; } });
const fnWithProps = function f() {};
fnWithProps.toString = () => { hit(); return "f"; };

const values = [
  new Proxy({}, traps), new Proxy([1, 2, 3], traps), new Proxy(function g() {}, traps), new Sneaky(), new MyMap([[1, 2]]),
  MyArray.from([1, 2]), withGetter, Object.create(Map.prototype), Object.create(new Proxy({}, traps)), fnWithProps,
  new Map([[1, 2], [3, 4]]), new Set([1]), [1, 2, 3], { a: 1, b: 2 }, "text", 42, null, undefined, 10n, Symbol("s"), new Date(0),
];
const thrown = [
  new BadError(), errGetter, new Proxy(new TypeError("p"), traps), new Sneaky(), "plain string", 7,
  Object.assign(new RangeError("range"), { extra: new Sneaky() }),
];

function take(v) {
  /*@ti{*/const __ti_s = __ti.enter("take", "hostile.js", 43, {v: v}, 1); try {/*}@ti*/
  /*@ti{*/__ti.v("v", v, "hostile.js", 44);/*}@ti*/
  /*@ti{*/__ti.val("v", v, "hostile.js", 45);/*}@ti*/
  return typeof v;
  /*@ti{*/} catch (__ti_e) { __ti.fail(__ti_s, __ti_e); throw __ti_e; } finally { __ti.exit(__ti_s); }/*}@ti*/
}

function shape(v) {
  /*@ti{*/const __ti_s = __ti.enter("shape", "hostile.js", 50, {v: v}); try {/*}@ti*/
  return 0;
  /*@ti{*/} finally { __ti.exit(__ti_s); }/*}@ti*/
}

function raise(e) {
  /*@ti{*/const __ti_s = __ti.enter("raise", "hostile.js", 56, {}, 1); try {/*}@ti*/
  throw e;
  /*@ti{*/} catch (__ti_e) { __ti.fail(__ti_s, __ti_e); throw __ti_e; } finally { __ti.exit(__ti_s); }/*}@ti*/
}

async function araise(e) {
  /*@ti{*/return await __ti.run("araise", "hostile.js", 62, {}, async () => {/*}@ti*/
  await null;
  return raise(e);
  /*@ti{*/}, 1);/*}@ti*/
}

async function main() {
  const types = values.map(take);
  values.forEach(shape);
  let caught = 0;
  for (const e of thrown) {
    try { raise(e); } catch (x) { caught += x === e ? 1 : 0; }
    try { await araise(e); } catch (x) { caught += x === e ? 1 : 0; }
  }
  // A program's stack formatter runs only when the program reads a stack.
  Error.prepareStackTrace = (e, frames) => { hit(); return "formatted"; };
  try { raise(new Error("lazy")); } catch (x) { caught += 1; }
  delete Error.prepareStackTrace;
  console.log("types", types.join(" "));
  console.log("caught", caught, "calls", calls);
  console.log("globals unchanged", Object.getOwnPropertyNames(globalThis).join(",") === globalsBefore);
}

main();
