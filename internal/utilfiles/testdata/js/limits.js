/*@ti{*/const __ti = require("./_telemetry_utils.js");/*}@ti*/
// Spans that outgrow the limits: `node limits.js EVENTS CALLS` records
// EVENTS variables in one call of chatty(), CALLS times, and runs a loop
// nested in another one.

function chatty(events, a, b, c) {
  /*@ti{*/const __ti_s = __ti.enter("chatty", "limits.js", 6, {a: a, b: b, c: c}); try {/*}@ti*/
  let last = 0;
  for (let i = 0; i < events; i++) {
    last = i * a;
    /*@ti{*/__ti.v("last", last, "limits.js", 10);/*}@ti*/
  }
  return last;
  /*@ti{*/} finally { __ti.exit(__ti_s); }/*}@ti*/
}

function nested() {
  /*@ti{*/const __ti_s = __ti.enter("nested", "limits.js", 17, {}); try {/*}@ti*/
  let t = 0;
  /*@ti{*/__ti.loop("nested.outer", "limits.js", 19);/*}@ti*/
  for (let i = 0; i < 100; i++) {
    /*@ti{*/__ti.tick("nested.outer");/*}@ti*/
    /*@ti{*/__ti.loop("nested.inner", "limits.js", 22);/*}@ti*/
    for (let j = 0; j < 10; j++) {
      /*@ti{*/__ti.tick("nested.inner");/*}@ti*/
      t += j;
    }
  }
  return t;
  /*@ti{*/} finally { __ti.exit(__ti_s); }/*}@ti*/
}

const [events, calls] = process.argv.slice(2, 4).map(Number);
let sum = 0;
for (let i = 0; i < calls; i++) sum += chatty(events, 1, 2, 3);
console.log("sum", sum, "nested", nested());
