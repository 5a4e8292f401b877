// Run by Node itself (type stripping): imports name .ts files.
export function add(a: number, b: number): number {
  const sum = a + b;
  return sum;
}

export async function later(x: number): Promise<number> {
  await null;
  return x * 2;
}
