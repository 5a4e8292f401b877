/*@ti{*/const __ti = require("./_telemetry_utils.js");/*}@ti*/
// Per-call cost of an instrumented empty function against the plain one.
// Prints JSON: wall-clock ns per call in the caller, and process CPU ns per
// call including the export work done on the event loop.

function plain() {
}

function inst() {
  /*@ti{*/const __ti_s = __ti.enter("empty", "bench.js", 9, {}); try {/*}@ti*/
  /*@ti{*/} finally { __ti.exit(__ti_s); }/*}@ti*/
}

const pause = () => new Promise((r) => setTimeout(r, 0));

async function measure(fn, rounds, per, yieldEvery) {
  let wall = 0n;
  const cpu0 = process.cpuUsage();
  for (let r = 0; r < rounds; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < per; i++) fn();
    wall += process.hrtime.bigint() - start;
    if (yieldEvery) await pause();
  }
  if (yieldEvery) await new Promise((r) => setTimeout(r, 1500)); // the last batch
  const cpu = process.cpuUsage(cpu0);
  const n = rounds * per;
  return [Number(wall) / n, ((cpu.user + cpu.system) * 1000) / n];
}

async function main() {
  const [rounds, per] = process.argv.slice(2).map(Number);
  const exporting = Boolean(process.env.TELEMETRY_INJECT_FILE || process.env.OTEL_EXPORTER_OTLP_ENDPOINT);
  await measure(plain, rounds, per, false);
  await measure(inst, rounds, per, exporting);
  const [pw, pc] = await measure(plain, rounds, per, exporting);
  const [iw, ic] = await measure(inst, rounds, per, exporting);
  console.log(JSON.stringify({ plain_wall: pw, plain_cpu: pc, inst_wall: iw, inst_cpu: ic }));
}

main();
