/*@ti{*/const __ti = require("./_telemetry_utils.js");/*}@ti*/
// An instrumented program, written as telemetry-inject renders it
// (docs/injected-code.md). Its output must not depend on whether telemetry
// is on. The ESM test swaps the require line for the import line.

function add(a, b) {
  /*@ti{*/const __ti_s = __ti.enter("add", "prog.js", 6, {a: a, b: b}); try {/*}@ti*/
  const total = a + b;
  /*@ti{*/__ti.v("total", total, "prog.js", 8);/*}@ti*/
  return total;
  /*@ti{*/} catch (__ti_e) { __ti.fail(__ti_s, __ti_e); throw __ti_e; } finally { __ti.exit(__ti_s); }/*}@ti*/
}

function boom(kind) {
  /*@ti{*/const __ti_s = __ti.enter("boom", "prog.js", 14, {kind: kind}); try {/*}@ti*/
  if (kind === "string") throw "plain string";
  throw new TypeError("bad thing");
  /*@ti{*/} catch (__ti_e) { __ti.fail(__ti_s, __ti_e); throw __ti_e; } finally { __ti.exit(__ti_s); }/*}@ti*/
}

function* gen(n) {
  /*@ti{*/const __ti_s = __ti.enter("gen", "prog.js", 21, {n: n}); try {/*}@ti*/
  for (let i = 0; i < n; i++) yield add(i, 100);
  /*@ti{*/} catch (__ti_e) { __ti.fail(__ti_s, __ti_e); throw __ti_e; } finally { __ti.exit(__ti_s); }/*}@ti*/
}

async function* agen(n) {
  /*@ti{*/const __ti_s = __ti.enter("agen", "prog.js", 27, {n: n}); try {/*}@ti*/
  for (let i = 0; i < n; i++) { await null; yield add(i, 0); }
  /*@ti{*/} catch (__ti_e) { __ti.fail(__ti_s, __ti_e); throw __ti_e; } finally { __ti.exit(__ti_s); }/*}@ti*/
}

class Shop {
  constructor(name) { this.name = name; }
  price(item, qty) {
    /*@ti{*/const __ti_s = __ti.enter("Shop.price", "prog.js", 35, {item: item, qty: qty}, 1); try {/*}@ti*/
    const longText = "x".repeat(1000);
    /*@ti{*/__ti.val("longText", longText, "prog.js", 37);/*}@ti*/
    const apiToken = "tok-" + qty;
    /*@ti{*/__ti.v("apiToken", apiToken, "prog.js", 39);/*}@ti*/
    return this.name + ":" + item.length * qty + ":" + arguments.length;
    /*@ti{*/} catch (__ti_e) { __ti.fail(__ti_s, __ti_e); throw __ti_e; } finally { __ti.exit(__ti_s); }/*}@ti*/
  }
  async later(ms) {
    /*@ti{*/return await __ti.run("Shop.later", "prog.js", 44, {ms: ms}, async () => {/*}@ti*/
    await new Promise((r) => setTimeout(r, ms));
    return this.name + " later " + add(ms, 1);
    /*@ti{*/});/*}@ti*/
  }
}

async function work(x) {
  /*@ti{*/return await __ti.run("work", "prog.js", 51, {x: x}, async () => {/*}@ti*/
  await new Promise((r) => setTimeout(r, 5 * x));
  return add(x, x);
  /*@ti{*/});/*}@ti*/
}

async function failing() {
  /*@ti{*/return await __ti.run("failing", "prog.js", 58, {}, async () => {/*}@ti*/
  await null;
  throw new RangeError("async bad");
  /*@ti{*/});/*}@ti*/
}

const sq = (x) => /*@ti{*/__ti.run("sq", "prog.js", 64, {x: x}, () => (/*}@ti*/x * x/*@ti{*/))/*}@ti*/;
const thenable = () => /*@ti{*/__ti.run("thenable", "prog.js", 65, {}, () => (/*}@ti*/({ then(ok) { ok("resolved thenable"); }, extra: 1 })/*@ti{*/))/*}@ti*/;

function keep(obj) {
  /*@ti{*/const __ti_s = __ti.enter("keep", "prog.js", 67, {obj: obj}); try {/*}@ti*/
  /*@ti{*/__ti.v("obj", obj, "prog.js", 68);/*}@ti*/
  return Object.keys(obj).length;
  /*@ti{*/} catch (__ti_e) { __ti.fail(__ti_s, __ti_e); throw __ti_e; } finally { __ti.exit(__ti_s); }/*}@ti*/
}

async function main() {
  /*@ti{*/return await __ti.run("main", "prog.js", 68, {}, async () => {/*}@ti*/
  /*@ti{*/__ti.loop("main.loop", "prog.js", 69);/*}@ti*/
  for (let i = 0; i < 3; i++) {
    /*@ti{*/__ti.tick("main.loop");/*}@ti*/
    add(i, 1);
  }
  for (const k of ["error", "string"]) {
    try { boom(k); } catch (e) { console.log("caught", typeof e, e instanceof Error ? e.message : e); }
  }
  const g = gen(3);
  console.log("gen", [...g]);
  const out = [];
  for await (const x of agen(2)) out.push(x);
  console.log("agen", out);
  const shop = new Shop("s1");
  console.log("price", shop.price("apple", 2), shop.price.length);
  console.log("later", await shop.later(3));
  console.log("all", await Promise.all([work(1), work(2)]));
  try { await failing(); } catch (e) { console.log("caught async", e.name, e.message); }
  console.log("sq", sq(3), sq.length, add.length, work.length);
  const t = thenable();
  console.log("thenable", typeof t.then, t.extra, await t);
  let obj = { items: [1, 2, 3], name: "box" };
  const ref = new WeakRef(obj);
  console.log("keep", keep(obj));
  obj = null;
  await new Promise((r) => setTimeout(r, 0));
  if (typeof gc === "function") gc();
  console.log("collected", ref.deref() === undefined);
  /*@ti{*/});/*}@ti*/
}

main().then(() => { process.exitCode = 3; });
