// Functions whose source text is run elsewhere, as puppeteer's
// page.evaluate, playwright's addInitScript, new Function, vm and
// worker_threads run it: the runtime is not where the text runs, so any
// injected code throws there.
const vm = require("vm")
const { Worker } = require("worker_threads")

function square(x) {
  const y = x * x
  let total = 0
  for (let i = 0; i < 3; i++) {
    total += i
  }
  return y + total - 3
}

const cube = (x) => {
  const c = x * x * x
  return c
}

function half(x) {
  const h = x / 2
  return h
}

function twice(x) {
  const t = x * 2
  return t
}

// A method whose text is read through its property (o.m.toString()).
const shapes = {
  quarter(x) {
    const q = x / 4
    return q
  },
}

// A page that runs what it is handed in a fresh context, as a browser does.
const page = {
  evaluate(fn, arg) {
    const source = "(" + fn + ")(" + JSON.stringify(arg) + ")"
    return vm.runInNewContext(source, {})
  },
}

function inWorker(fn, arg) {
  return new Promise((resolve, reject) => {
    const w = new Worker(`require("worker_threads").parentPort.postMessage((${fn})(${arg}))`, { eval: true })
    w.on("message", resolve)
    w.on("error", reject)
  })
}

async function main() {
  console.log("new Function:", new Function("return (" + square + ")")()(4))
  console.log("vm String():", vm.runInNewContext("(" + String(cube) + ")(3)"))
  console.log("toString():", (0, eval)("(" + half.toString() + ")")(10))
  console.log("method toString():", vm.runInNewContext("({" + shapes.quarter.toString() + "}).quarter(8)"))
  console.log("evaluate literal:", page.evaluate((a) => {
    const b = a + 1
    return b
  }, 2))
  console.log("evaluate by name:", page.evaluate(twice, 21))
  console.log("worker template:", await inWorker(twice, 5))
  // An ordinary function still gets its telemetry.
  console.log("ordinary:", ordinary(3))
}

function ordinary(n) {
  let sum = 0
  for (let i = 0; i < n; i++) {
    sum += i
  }
  return sum
}

main().catch((err) => {
  console.log("failed:", err.message)
  process.exitCode = 1
})
