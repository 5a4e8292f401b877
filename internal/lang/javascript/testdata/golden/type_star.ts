// Type-only star re-exports (TypeScript 5.0), which the grammar the tool
// parses with does not know.
export type * from "./shapes.js"
export type * as Geometry from "./geometry.js"

export function area(side: number): number {
  const squared = side * side
  return squared
}
