// A sloppy-mode file: each function below is strict only while its
// directive stays the first statement of its body, whatever follows the
// directive on its line.
function semicolon() { "use strict"; const self = this; return self === undefined }

function bare() {
  'use strict'
  const self = this
  return self === undefined
}

function commented() {
  "use strict" // a comment after the directive
  const self = this
  return self === undefined
}

function blockComment() { "use strict" /* then a comment */
  const self = this
  return self === undefined
}

function sloppy() {
  const self = this
  return self === undefined
}

function thrower(kind) {
  "use strict"
  const message = kind + " thrown"
  throw new Error(message)
}

function lines(err) {
  const out = []
  for (const frame of String(err.stack).split("\n").slice(1)) {
    const m = /([^/\\(]+):(\d+):\d+\)?$/.exec(frame)
    if (m && m[1] === "directives.cjs") out.push(m[2])
  }
  return err.message + " @ " + out.join(",")
}

for (const fn of [semicolon, bare, commented, blockComment, sloppy]) {
  console.log(fn.name + " strict: " + fn())
}
for (const kind of ["one", "two"]) {
  try {
    thrower(kind)
  } catch (err) {
    console.log(lines(err))
  }
}
