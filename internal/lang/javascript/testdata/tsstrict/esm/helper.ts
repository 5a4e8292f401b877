export type Options = { verbose?: boolean };

export function helper(s: string): string {
  let out = "";
  for (const ch of s) {
    out += ch;
  }
  return out;
}

export function outer(n: number): number {
  return inner(n) + 1;
  function inner(x: number): number {
    return x * 2;
  }
}
