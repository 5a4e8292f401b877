/*@ti{*/import __ti = require("./_telemetry_utils.js");/*}@ti*/
// A CommonJS TypeScript module under verbatimModuleSyntax, which allows no
// ECMAScript import there: the runtime is imported with import = require.

class Calc {
  constructor(private base: number) {}

  add(a: number, b: number): number {
    /*@ti{*/const __ti_s = __ti.enter("Calc.add", "main_cjs.ts", 8, {a: a, b: b}, 1); try {/*}@ti*/
    const total: number = this.base + a + b;
    /*@ti{*/__ti.v("total", total, "main_cjs.ts", 10);/*}@ti*/
    return total;
    /*@ti{*/} catch (__ti_e) { __ti.fail(__ti_s, __ti_e); throw __ti_e; } finally { __ti.exit(__ti_s); }/*}@ti*/
  }
}

async function main(): Promise<void> {
  /*@ti{*/return await __ti.run("main", "main_cjs.ts", 17, {}, async () => {/*}@ti*/
  await new Promise<void>((r) => setTimeout(r, 1));
  console.log(new Calc(10).add(1, 2));
  /*@ti{*/});/*}@ti*/
}

void main();
