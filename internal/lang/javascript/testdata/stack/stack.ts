// TypeScript through tsc with source maps: the lines node reports through
// the map are the .ts file's, so they move with every line injected.
export const file = "stack.ts"

export interface Item {
  name: string
  price: number
}

type Parser = (text: string) => number

export const parse: Parser = (text) => { const n = Number(text) // a comment
  if (Number.isNaN(n)) throw new TypeError(`not a number:
${text}`)
  return n
}

export function total(items: readonly string[]): number {
  let sum = 0
  for (const it of items) {
    sum += parse(it)
  }
  return sum
}

export abstract class Shelf<T extends Item> {
  protected items: T[] = []
  abstract label(): string
  add = (item: T): this => {
    this.items.push(item)
    return this
  }
  cheapest(): T {
    const [head] = [...this.items].sort((a, b) => a.price - b.price)
    if (head === undefined) throw new Error("empty " + this.label())
    return head
  }
}

class Books extends Shelf<Item> {
  label(): string { return "books" }
}

export function lines(err: unknown): string {
  const e = err as Error
  const out: string[] = []
  for (const frame of String(e.stack).split("\n").slice(1)) {
    const m = /([^/\\(]+):(\d+):\d+\)?$/.exec(frame)
    if (m && m[1] === file) out.push(m[2] ?? "")
  }
  return (e.message.split("\n")[0] ?? "") + " @ " + out.join(",")
}

function attempt(fn: () => unknown): string {
  try {
    fn()
    return "no error"
  } catch (err) {
    return lines(err)
  }
}

console.log(attempt(() => total(["1", "x"])))
console.log(attempt(() => new Books().cheapest()))
