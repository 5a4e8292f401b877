/**
 * Finds the lines within the range, standard style: no semicolons, and the
 * doc comment of the first statement opens the file, so the runtime lookup
 * has no line above it and follows the statement.
 */
module.exports.sliceRange = (lines, start, end) => {
  let out = []
  for (const l of lines) {
    if (l >= start && l < end) out.push(l)
  }
  return out
}
