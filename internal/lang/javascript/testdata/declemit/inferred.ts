// Functions whose bodies move into an arrow (async ones, and those that
// declare functions) keep the return types TypeScript infers for them, so
// the declarations emitted from them are the original's.
export function thrower(msg: string) {
  function mk() {
    return new Error(msg);
  }
  throw mk();
}

export async function asyncThrower(msg: string) {
  const e = new Error(msg);
  throw e;
}

export class Store {
  fail() {
    function mk() {
      return new Error("x");
    }
    throw mk();
  }

  async failLater(code: number) {
    const text = "code " + code;
    throw new Error(text);
  }

  async count(items: string[]) {
    const n = await Promise.resolve(items.length);
    return n;
  }
}

function isString(x: unknown): x is string {
  return typeof x === "string";
}

export function viaCall(v: unknown) {
  function unused() {
    return 0;
  }
  const checked = unused() === 0;
  return checked && isString(v);
}

export function viaTest(v: string | undefined) {
  function size(s: string) {
    return s.length;
  }
  const seen = size("abc");
  return seen > 0 && !(v === undefined);
}

export function notPredicate(v: unknown) {
  function pick() {
    return 1;
  }
  if (isString(v)) return pick();
  return 2;
}

export const thrownArrow = async () => {
  const e = new Error("arrow");
  throw e;
};
