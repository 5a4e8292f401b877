/*@ti{*/const __ti = require("./_telemetry_utils.js");/*}@ti*/
// Runs long enough for the exporter to send, be refused and retry before
// the program ends.

function step() {
  /*@ti{*/const __ti_s = __ti.enter("step", "retry.js", 5, {}); try {/*}@ti*/
  return 1;
  /*@ti{*/} finally { __ti.exit(__ti_s); }/*}@ti*/
}

step();
setTimeout(() => console.log("done"), 4000);
