import type { Options } from "./options";

export interface Shape {
  area(): number;
}

export function format(value: string): string;
export function format(value: number, digits?: number): string;
export function format(value: string | number, digits = 2): string {
  const text: string = typeof value === "number" ? value.toFixed(digits) : value;
  return text;
}

declare function ambient(x: number): void;

export abstract class Base<T> implements Shape {
  protected constructor(private readonly name: string, public size: number) {}
  abstract area(): number;
  describe(this: Base<T>, prefix: string): string {
    return `${prefix} ${this.name}`;
  }
}

export class Square extends Base<number> {
  constructor(side: number) {
    super("square", side);
  }
  area(): number {
    return this.size * this.size;
  }
  static of<U extends number>(side: U): Square {
    return new Square(side);
  }
}

export const total = async (items: Array<{ n: number }>, opts?: Options): Promise<number> => {
  let sum = 0;
  for (const { n } of items) {
    sum += n;
  }
  return sum;
};

export const ident = <T,>(x: T): T => x;

enum Color { Red, Green }

namespace Geometry {
  export function origin(): [number, number] {
    return [0, 0];
  }
}

export class Plain extends Square {
  constructor(side: number) {
    super(side);
  }
}

export class WithField extends Square {
  label = "x";
  constructor(side: number) {
    super(side);
  }
}
