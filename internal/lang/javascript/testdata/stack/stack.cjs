#!/usr/bin/env node
"use strict"
// Every function below throws from a line of its own, through shapes where
// an injected line would move the lines under it: statements without
// semicolons, line comments after statements, one-line bodies, expression
// arrows, class fields, a template literal across lines, a body whose
// first statement shares the brace's line.
const path = require("path")

function parse(text) { let n = Number(text) // a comment after a statement
  if (Number.isNaN(n)) throw new TypeError("not a number: " + text)
  return n
}

function total(items) {
  "use strict"
  let sum = 0
  for (const it of items) {
    sum += parse(it)
  }
  ;[sum].forEach((s) => s)
  return sum
}

const half = (x) => x % 2
  ? fail(`odd:
${x}`)
  : x / 2

function fail(message) {
  const err = new RangeError(message)
  throw err
}

class Cart {
  items = []
  add = (item) => {
    this.items.push(item)
    return this
  }
  check() { if (this.items.length > 2) throw new Error("full"); return this.items.length }
  get first() {
    const [head] = this.items
    if (head === undefined) throw new Error("empty")
    return head
  }
}

function recurse(n) {
  if (n === 0) {
    throw new Error("bottom")
  }
  return recurse(n - 1) + 1
}

// The line numbers of this file's frames in err.stack: columns may move
// on a line that got an insertion, lines may not.
function lines(err) {
  const out = []
  for (const frame of String(err.stack).split("\n").slice(1)) {
    const m = /\((.*):(\d+):\d+\)$/.exec(frame) || /at (.*):(\d+):\d+$/.exec(frame)
    if (m && path.basename(m[1]) === path.basename(__filename)) out.push(m[2])
  }
  return err.message.split("\n")[0] + " @ " + out.join(",")
}

function attempt(fn) {
  try {
    fn()
    return "no error"
  } catch (err) {
    return lines(err)
  }
}

const cart = new Cart()
console.log(attempt(() => total(["1", "2", "x"])))
console.log(attempt(() => half(3)))
console.log(attempt(() => cart.first))
console.log(attempt(() => cart.add(1).add(2).add(3).check()))
console.log(attempt(() => recurse(3)))
