// Variance annotations on type parameters (TypeScript 4.7), as zod 4's
// core schemas use them: the grammar does not know them, the tool must
// still instrument the file.
export interface Reader<out T = unknown> {
  read(): T;
}

export interface Writer<in T> {
  write(value: T): void;
}

export interface Cell<
  /** @ts-ignore a comment before the modifiers, as zod writes it */
  in out V extends object,
  W = string,
> {
  value: V;
  label: W;
}

export type Convert<in A, out B> = (a: A) => B;

const marker = "<out T, in U>";

export function reader<T>(value: T): Reader<T> {
  const copy = value;
  return { read: () => copy };
}

export function collect<T>(items: Reader<T>[], into: Writer<T>): number {
  let count = 0;
  for (const item of items) {
    into.write(item.read());
    count++;
  }
  return count + marker.length;
}
