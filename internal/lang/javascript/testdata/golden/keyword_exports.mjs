// A bundle's export list (valibot's dist, zod's schemas): reserved words
// are valid names for what a module exports and imports.
import { if as when, function as fn } from "./elsewhere.mjs";

function _null(value) {
  const checked = value === null ? when(value) : fn(value);
  return checked;
}

function _function(input, options) {
  let total = 0;
  for (const item of input) {
    total += options.weight(item);
  }
  return total;
}

export { _null as null, _function as function, _null as default };
export * as class from "./elsewhere.mjs";
export { in as within, typeof } from "./elsewhere.mjs";
