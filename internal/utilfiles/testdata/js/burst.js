/*@ti{*/const __ti = require("./_telemetry_utils.js");/*}@ti*/
// A synchronous burst of spans: `node burst.js ROOTS BRANCHES LEAVES HOW`
// calls root() ROOTS times, each calling branch() BRANCHES times, each
// calling leaf() LEAVES times, then ends by returning ("return") or by
// process.exit() ("exit").

function leaf(i) {
  /*@ti{*/const __ti_s = __ti.enter("leaf", "burst.js", 7, {i: i}); try {/*}@ti*/
  return i * 2;
  /*@ti{*/} finally { __ti.exit(__ti_s); }/*}@ti*/
}

function branch(n) {
  /*@ti{*/const __ti_s = __ti.enter("branch", "burst.js", 12, {n: n}); try {/*}@ti*/
  let t = 0;
  for (let i = 0; i < n; i++) t += leaf(i);
  return t;
  /*@ti{*/} finally { __ti.exit(__ti_s); }/*}@ti*/
}

function root(k, n) {
  /*@ti{*/const __ti_s = __ti.enter("root", "burst.js", 19, {k: k, n: n}); try {/*}@ti*/
  let t = 0;
  for (let j = 0; j < k; j++) t += branch(n);
  return t;
  /*@ti{*/} finally { __ti.exit(__ti_s); }/*}@ti*/
}

const [roots, k, n] = process.argv.slice(2, 5).map(Number);
let total = 0;
for (let r = 0; r < roots; r++) total += root(k, n);
console.log("total", total);
if (process.argv[5] === "exit") process.exit(0);
