/*@ti{*/const __ti = require("./_telemetry_utils.js");/*}@ti*/
// Prints, for errors thrown at each kind of instrumented function, how many
// stack frames belong to the runtime and to node:async_hooks.

function syncFail() {
  /*@ti{*/const __ti_s = __ti.enter("syncFail", "stack.js", 5, {}); try {/*}@ti*/
  throw new Error("sync");
  /*@ti{*/} catch (__ti_e) { __ti.fail(__ti_s, __ti_e); throw __ti_e; } finally { __ti.exit(__ti_s); }/*}@ti*/
}

async function beforeAwait() {
  /*@ti{*/return await __ti.run("beforeAwait", "stack.js", 11, {}, async () => {/*}@ti*/
  throw new Error("before await");
  /*@ti{*/});/*}@ti*/
}

async function afterAwait() {
  /*@ti{*/return await __ti.run("afterAwait", "stack.js", 17, {}, async () => {/*}@ti*/
  await null;
  throw new Error("after await");
  /*@ti{*/});/*}@ti*/
}

const frames = (e) => {
  const lines = e.stack.split("\n");
  return [lines.filter((l) => l.includes("_telemetry_utils")).length, lines.filter((l) => l.includes("node:async_hooks")).length].join("/");
};

async function main() {
  const out = [];
  try { syncFail(); } catch (e) { out.push("sync " + frames(e)); }
  try { await beforeAwait(); } catch (e) { out.push("beforeAwait " + frames(e)); }
  try { await afterAwait(); } catch (e) { out.push("afterAwait " + frames(e)); }
  console.log(out.join(", "));
}

main();
