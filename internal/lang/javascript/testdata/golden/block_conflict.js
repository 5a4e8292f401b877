"use strict";
// A body's top-level function declarations become block declarations inside
// the injected try block: functions whose names clash there are left alone.
function shadowed(flag) {
  var helper = flag ? null : 1;
  if (helper === null) return "null";
  return typeof helper;
  function helper() { return 2; }
}

function nestedVar(n) {
  for (var i = 0; i < n; i++) {
    var step = i;
  }
  return step;
  function* step() {}
}

function twiceDeclared() {
  return one();
  function one() { return 1; }
  function one() { return 2; }
}

// Instrumented: the var is a nested function's, or the names differ.
function fine(n) {
  function helper() {
    var fine = 1;
    return fine;
  }
  var other = helper() + n;
  return other;
}
