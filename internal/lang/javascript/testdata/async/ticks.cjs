// Prints, for each kind of async function, how its settling interleaves
// with a chain of promise callbacks (ticks), and the function frames an
// error thrown after an await has in err.stack.
"use strict"

async function declared() {
  return 1
}

class Store {
  async method() {
    return 2
  }
}

const expression = async () => 3

const block = async () => {
  return 4
}

const object = {
  async shorthand() {
    return 5
  },
}

// The order in which f's result and four chained ticks arrive.
async function ticks(name, f) {
  const log = []
  const done = f().then(() => log.push(name))
  let chain = Promise.resolve()
  for (let i = 1; i <= 4; i++) {
    const n = i
    chain = chain.then(() => log.push("t" + n))
  }
  await Promise.all([done, chain])
  return log.join(" ")
}

async function inner(x) {
  await null
  throw new Error("late " + x)
}

async function outer() {
  await inner(1)
}

// The line that threw and the named function frames of err.stack,
// innermost first; a frame of an async function that has awaited reads
// "at async NAME".
function frames(err) {
  const stack = String(err.stack).split("\n").slice(1)
  const out = []
  for (const line of stack) {
    const m = /^\s*at (?:async )?([\w.]+) \(/.exec(line)
    if (m) out.push(m[1])
  }
  return "line " + /:(\d+):\d+\)?$/.exec(stack[0])[1] + ": " + out.join(" < ")
}

async function main() {
  const store = new Store()
  console.log(await ticks("declared", declared))
  console.log(await ticks("method", () => store.method()))
  console.log(await ticks("expression", expression))
  console.log(await ticks("block", block))
  console.log(await ticks("shorthand", () => object.shorthand()))
  await outer().catch((err) => console.log(err.message + ": " + frames(err)))
}

main()
