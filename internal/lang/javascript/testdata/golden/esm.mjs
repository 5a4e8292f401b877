/**
 * Module docs.
 */
import { readFile } from "node:fs/promises";

export async function read(path, encoding) {
  const text = await readFile(path, encoding);
  return text;
}

export const parse = (text) => JSON.parse(text);

export default function (x) {
  return x;
}
