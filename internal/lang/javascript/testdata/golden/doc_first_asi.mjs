/** The default width, documented where the file starts. */
export const width = 80
export function pad(s) {
  const n = width - s.length
  return s + " ".repeat(n)
}
