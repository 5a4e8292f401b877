/*@ti{*/import * as __ti from "./_telemetry_utils.js";/*}@ti*/
// A TypeScript module instrumented as telemetry-inject renders it; it must
// compile under --strict with the runtime beside it, and run.

export class Calc {
  constructor(private base: number) {}

  add(a: number, b: number): number {
    /*@ti{*/const __ti_s = __ti.enter("Calc.add", "main.ts", 8, {a: a, b: b}, 1); try {/*}@ti*/
    const total: number = this.base + a + b;
    /*@ti{*/__ti.val("total", total, "main.ts", 10);/*}@ti*/
    return total;
    /*@ti{*/} catch (__ti_e) { __ti.fail(__ti_s, __ti_e); throw __ti_e; } finally { __ti.exit(__ti_s); }/*}@ti*/
  }

  async later(ms: number): Promise<string> {
    /*@ti{*/return await __ti.run("Calc.later", "main.ts", 16, {ms: ms}, async () => {/*}@ti*/
    await new Promise<void>((r) => setTimeout(r, ms));
    return "later " + this.add(ms, 1);
    /*@ti{*/});/*}@ti*/
  }
}

export function* gen(n: number): Generator<number, string, unknown> {
  /*@ti{*/const __ti_s = __ti.enter("gen", "main.ts", 23, {n: n}); try {/*}@ti*/
  /*@ti{*/__ti.loop("gen.loop", "main.ts", 24);/*}@ti*/
  for (let i = 0; i < n; i++) {
    /*@ti{*/__ti.tick("gen.loop");/*}@ti*/
    yield i;
  }
  const password = "hunter2";
  /*@ti{*/__ti.mark("password", "main.ts", 30);/*}@ti*/
  return password.length > 0 ? "done" : "";
  /*@ti{*/} finally { __ti.exit(__ti_s); }/*}@ti*/
}

const sq = (x: number): number => /*@ti{*/__ti.run("sq", "main.ts", 35, {x: x}, () => (/*}@ti*/x * x/*@ti{*/))/*}@ti*/;

async function main(): Promise<void> {
  /*@ti{*/return await __ti.run("main", "main.ts", 38, {}, async () => {/*}@ti*/
  const c = new Calc(10);
  console.log(c.add(1, 2), await c.later(2), [...gen(3)], sq(4));
  /*@ti{*/});/*}@ti*/
}

void main();
