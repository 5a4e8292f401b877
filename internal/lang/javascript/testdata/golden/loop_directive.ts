// A loop under a comment that acts on the line below it: the loop's line
// goes above the comment, which keeps guarding the loop.
declare const box: { readonly v: number; items: number[] };
export function total(): number {
  let sum = 0;
  // @ts-expect-error - iterating a number on purpose
  // eslint-disable-next-line no-restricted-syntax
  for (const x of box.v) {
    sum += x;
  }
  // a plain comment stays with the loop's line below it
  for (const y of box.items) sum += y;
  return sum;
}
