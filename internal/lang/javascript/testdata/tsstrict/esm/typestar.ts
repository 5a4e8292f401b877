// Type-only star re-exports (TypeScript 5.0), which the grammar the tool
// parses with does not know: the file was skipped as not parsing.
export type * from "./helper.js"
export type * as Helper from "./helper.js"

export function scaled(values: readonly number[], by: number): number[] {
  const out: number[] = []
  for (const v of values) {
    out.push(v * by)
  }
  return out
}
