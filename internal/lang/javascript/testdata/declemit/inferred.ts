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

export const isText = (x: unknown) => typeof x === "string";

export const isTextLater = async (x: unknown) => typeof x === "string";

export const literal = () => ({ kind: "a", n: 1 }) as const;

export const nested = <T,>(items: T[]) => items.filter((i) => i !== undefined);

export function* counter(limit: number) {
  let i = 0;
  while (i < limit) yield i++;
  return "done" as const;
}

export async function* pages(n: number) {
  for (let i = 0; i < n; i++) yield await Promise.resolve([i]);
}

export const obj = {
  get size() {
    return 3;
  },
  set size(v: number) {
    void v;
  },
  check(v: unknown) {
    return isString(v);
  },
};

// An object literal's method that always throws has the type never, as an
// arrow has: contextually typed here, void would not do.
export const handlers: { [name: string]: (code: number) => number } = {
  refuse(code: number) {
    function reason() {
      return "refused " + code;
    }
    throw new Error(reason());
  },
};

export const later = {
  async refuse() {
    const text = "later";
    throw new Error(text);
  },
};
