export type Options = { verbose?: boolean };

export function helper(s: string): string {
  let out = "";
  for (const ch of s) {
    out += ch;
  }
  return out;
}
