"use strict";
const assert = require("assert");

class Account {
  static #count = 0;
  constructor(owner, balance = 0) {
    this.owner = owner;
    this.balance = balance;
    Account.#count++;
  }
  static get count() {
    return Account.#count;
  }
  get summary() {
    return `${this.owner}: ${this.balance}`;
  }
  set deposit(amount) {
    if (amount <= 0) throw new RangeError("bad amount " + amount);
    this.balance += amount;
  }
  withdraw(amount) {
    if (amount > this.balance) {
      throw new Error("insufficient funds");
    }
    this.balance -= amount;
    return this;
  }
}

class Savings extends Account {
  constructor(owner, balance, rate) {
    super(owner, balance);
    this.rate = rate;
  }
  accrue(years) {
    let total = this.balance;
    for (let y = 0; y < years; y++) {
      total = total * (1 + this.rate);
    }
    return Math.round(total);
  }
}

function variadic(a, b) {
  return [arguments.length, Array.prototype.slice.call(arguments).join("+"), this === undefined];
}

function* fib(limit) {
  let [a, b] = [0, 1];
  while (a < limit) {
    const sent = yield a;
    if (sent === "reset") [a, b] = [0, 1];
    else [a, b] = [b, a + b];
  }
  return "done";
}

async function delayed(value, ms) {
  await new Promise((r) => setTimeout(r, ms));
  if (value < 0) throw new TypeError("negative " + value);
  return value * 2;
}

// Async bodies run inside an arrow: a var that redeclares a parameter must
// keep the binding the call filled in.
async function withDefaults(opts, { depth } = {}, ...rest) {
  var opts = opts || { unit: "none" };
  for (var depth = depth || 1; depth < 3; depth++) await null;
  var rest;
  return [opts.unit, depth, rest.length].join(":");
}

async function* countdown(n) {
  while (n > 0) {
    await null;
    yield n--;
  }
}

const double = (x) => x * 2;
const obj = {
  factor: 3,
  scale(values) {
    return values.map((v) => v * this.factor);
  },
};

function labelled(grid) {
  const found = [];
  rows: for (const row of grid) {
    for (const cell of row) {
      if (cell < 0) continue rows;
      if (cell > 100) break rows;
      found.push(cell);
    }
  }
  let i = 0;
  do {
    i += 2;
  } while (i < 5);
  found.push(i);
  return found;
}

async function main() {
  const acct = new Account("ann", 10);
  acct.deposit = 5;
  console.log(acct.summary, Account.count);
  try {
    acct.deposit = -1;
  } catch (e) {
    console.log(e instanceof RangeError, e.message);
  }
  try {
    acct.withdraw(100);
  } catch (e) {
    console.log("caught", e.message);
  }
  console.log(acct.withdraw(3) === acct, acct.balance);
  const sav = new Savings("bob", 100, 0.1);
  console.log(sav instanceof Account, sav.accrue(3), Account.count);
  console.log(variadic(1, 2, 3), variadic.call(undefined).join(","));
  console.log(variadic.length, Account.length, Savings.length, delayed.length, double.length, fib.length);
  console.log(variadic.name, delayed.name, double.name, obj.scale.name);
  const g = fib(20);
  console.log(g.next().value, g.next().value, g.next().value, g.next("reset").value, g.next().value);
  console.log([...fib(30)].join(","), g.return(7));
  console.log(await delayed(21, 5));
  console.log(await withDefaults({ unit: "ms" }, { depth: 2 }, 1, 2), await withDefaults());
  await delayed(-1, 1).catch((e) => console.log("rejected", e.constructor.name, e.message));
  const seen = [];
  for await (const n of countdown(3)) seen.push(n);
  console.log(seen.join(","), double(4), obj.scale([1, 2]).join(","));
  console.log(labelled([[1, 2], [-1, 5], [3, 200, 4], [9]]).join(","));
  assert.strictEqual(Object.getPrototypeOf(fib), Object.getPrototypeOf(function* () {}));
  assert.strictEqual(Object.getPrototypeOf(delayed), Object.getPrototypeOf(async () => {}));
  console.log(typeof delayed(1, 0).then, Object.prototype.toString.call(countdown(1)));
}

// new.target, class fields holding arrows, and a function whose length
// comes from defaults.
function Made(a, b = 2) {
  const kind = new.target ? "new" : "call";
  if (new.target) {
    this.kind = kind;
    return undefined;
  }
  return { kind, sum: a + b };
}

class Widget {
  label = "w";
  onClick = (e) => this.label + e;
  static created = Widget.name;
  #hidden = () => this.label.length;
  peek() {
    return this.#hidden();
  }
}

function fields() {
  const w = new Widget();
  const detached = w.onClick;
  return [Made(1).kind, Made(1).sum, new Made(1).kind, Made.length, detached("!"), detached.length, Widget.created, w.peek()].join(" ");
}

main().then(() => console.log("end", fields()), (e) => { console.log("main failed", e); process.exitCode = 1; });
