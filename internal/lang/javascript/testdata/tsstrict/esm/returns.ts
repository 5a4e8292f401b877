// Functions whose body returns a value on some paths only, which their
// return type allows by including void; under
// noImplicitReturns the arrow the rendering runs the body in must be
// checked against the same annotation, or tsc reports TS7030.
export type Outcome = [number, string];

export const settle = async (index: number, fail: boolean): Promise<Outcome | void> => {
  try {
    await Promise.resolve(index);
  } catch (cause) {
    if (fail) {
      return [index, String(cause)];
    }
  }
  const seen = index + 1;
  void seen;
};

export async function firstEven(values: number[]): Promise<number | void> {
  for (const v of values) {
    if (v % 2 === 0) {
      return v;
    }
  }
}

export class Loader {
  async load(key: string): Promise<string | void> {
    if (key !== "") {
      return key.toUpperCase();
    }
  }
}

export function lookup(key: string): number | void {
  if (key === "one") {
    return one();
  }
  function one(): number {
    return 1;
  }
}
