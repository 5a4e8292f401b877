function helper(a: number): number {
  return a + 1;
}
