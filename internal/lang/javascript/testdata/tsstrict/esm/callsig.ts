// Generic call signatures that follow a member on the next line without a
// separator, as immer's IProduce declares produce: tsc separates members
// by the line break, the grammar read the `<` as type arguments.
export interface Produce {
  /** Curried: the recipe first. */
  <Recipe extends (draft: number) => number>(recipe: Recipe): (base: number) => number

  /** Base and recipe. */
  <Base>(base: Base, recipe: (draft: Base) => Base): Base
  <Base, D = Base>(
    base: Base,
    recipe: (draft: D) => D,
  ): Base
}

export const produce: Produce = ((base: unknown, recipe?: (d: unknown) => unknown) => {
  if (typeof base === "function") {
    const curried = base as (d: number) => number;
    return (b: number) => curried(b);
  }
  const next = recipe ? recipe(base) : base;
  return next;
}) as Produce;

export function twice(n: number): number {
  const inc = produce((d: number) => d + 1);
  let total = inc(n);
  total = produce(total, (d) => d * 2);
  return total;
}
