// Patterns that strict TypeScript checks closely: evolving arrays and
// lets, definite assignment, narrowing, class fields and accessors.
import { helper, type Options } from "./helper.js";

export function collect(n: number): number[] {
  let ret = [];
  for (let i = 0; i < n; i++) {
    ret.push(i);
  }
  return ret;
}

export function pick(flag: boolean): string {
  let x;
  if (flag) {
    x = "a";
  } else {
    x = "b";
  }
  return x;
}

export function later(flag: boolean): number {
  let y: number;
  if (flag) y = 1;
  else y = 2;
  return y;
}

export function nullable(): string | null {
  let found = null;
  found = "x";
  return found;
}

export function counted(items: string[]): number {
  let n = 0;
  const bump = () => {
    n += 1;
  };
  items.forEach(bump);
  return n;
}

export function narrow(m: Map<string, { a?: { b: number } }>, k: string): number {
  const v = m.get(k);
  if (!v || !v.a) return 0;
  const b = v.a.b;
  return b + v.a.b;
}

type Shape = { kind: "c"; r: number } | { kind: "s"; w: number };

export function area(s: Shape): number {
  const kind = s.kind;
  if (kind === "c") {
    return s.r * s.r;
  }
  return s.w * s.w;
}

export function guard(x: unknown): x is string {
  return typeof x === "string";
}

export function lengthOf(x: string | undefined, opts?: Options): number {
  if (x === undefined) {
    return opts?.verbose ? -1 : 0;
  }
  const len = x.length;
  return len;
}

export async function status(urls: string[]): Promise<"ok" | "fail"> {
  if (urls.length === 0) return "fail";
  await Promise.resolve();
  return "ok";
}

export const toKind = (s: Shape): "c" | "s" => s.kind;

export class Counter {
  count: number;
  private readonly label: string;
  #secret = 1;
  static instances = 0;
  constructor(label: string) {
    this.label = label;
    this.count = 0;
    Counter.instances++;
  }
  get name(): string {
    return this.label + this.#secret;
  }
  set name(v: string) {
    this.count = v.length;
  }
  *ids(): Generator<number> {
    for (let i = 0; i < this.count; i++) yield i;
  }
}

export class Derived extends Counter {
  extra: string;
  constructor(label: string) {
    super(label);
    this.extra = helper(label);
  }
}

export function assign(): string {
  let s: string | undefined;
  s = "x";
  return s.toUpperCase();
}

// Contextual typing flows through the injected wrappers.
export const literal = (): Promise<"ok"> => Promise.resolve("ok");
export const object = (): { kind: "a" } => ({ kind: "a" });
export async function asyncShape(): Promise<Shape> {
  return { kind: "c", r: 1 };
}
export const pickOne: (x: number) => "a" | "b" = (x) => (x > 0 ? "a" : "b");

export function walk(start: { next?: { next?: unknown } } | undefined): number {
  let steps = 0;
  let node = start;
  while (node) {
    steps++;
    node = node.next as typeof start;
  }
  return steps;
}

// Narrowing of parameters in closures (TypeScript 5.4 keeps it after the
// last assignment), in plain and async functions.
export function lastAssigned(x: string | undefined, items: number[]): number[] {
  if (x === undefined) x = "d";
  return items.map(() => x.length);
}

export async function lastAssignedAsync(x: string | undefined, items: number[]): Promise<number[]> {
  if (x === undefined) x = "d";
  await Promise.resolve();
  return items.map(() => x.length);
}

export async function neverAssigned(x: string | undefined, items: number[]): Promise<number[]> {
  if (!x) return [];
  await Promise.resolve();
  return items.map(() => x.length);
}
