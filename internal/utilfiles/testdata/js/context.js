/*@ti{*/const __ti = require("./_telemetry_utils.js");/*}@ti*/
// Which span is current where: a span is the parent of the work started
// while it runs, and of nothing that starts after it has ended.

function leaf(tag) {
  /*@ti{*/const __ti_s = __ti.enter("leaf", "context.js", 5, {tag: tag}, 1); try {/*}@ti*/
  return tag;
  /*@ti{*/} finally { __ti.exit(__ti_s); }/*}@ti*/
}

function* gen() {
  /*@ti{*/const __ti_s = __ti.enter("gen", "context.js", 11, {}); try {/*}@ti*/
  yield leaf("in-gen");
  yield 2;
  /*@ti{*/} finally { __ti.exit(__ti_s); }/*}@ti*/
}

function schedule() {
  /*@ti{*/const __ti_s = __ti.enter("schedule", "context.js", 18, {}); try {/*}@ti*/
  leaf("in-schedule");
  return new Promise((r) => setTimeout(() => r(leaf("after-schedule")), 5));
  /*@ti{*/} finally { __ti.exit(__ti_s); }/*}@ti*/
}

async function outer() {
  /*@ti{*/return await __ti.run("outer", "context.js", 25, {}, async () => {/*}@ti*/
  setTimeout(() => leaf("fire-and-forget"), 30);
  await new Promise((r) => setTimeout(r, 5));
  leaf("in-outer");
  return inner();
  /*@ti{*/});/*}@ti*/
}

async function inner() {
  /*@ti{*/return await __ti.run("inner", "context.js", 33, {}, async () => {/*}@ti*/
  await null;
  return leaf("in-inner");
  /*@ti{*/});/*}@ti*/
}

async function main() {
  const it = gen();
  it.next();
  // The generator's span stays current until this job ends.
  leaf("same-job-as-gen");
  setTimeout(() => leaf("after-gen"), 0);
  await null;
  console.log(await schedule(), await outer());
  await new Promise((r) => setTimeout(r, 60));
  it.next();
  it.next();
}

main();
