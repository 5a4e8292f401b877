// Bodies moved into an arrow (async functions) are left alone when a var of
// their own scope redeclares a parameter or arguments.
async function defaults(opts, { depth }, ...rest) {
  var opts = opts || {};
  for (var depth in opts) await null;
  return [opts, depth, rest];
}

async function args() {
  if (arguments.length) {
    var arguments;
  }
  return await arguments[0];
}

const arrow = async (x) => {
  var x = x || 1;
  return await x;
};

// Instrumented: the var belongs to a nested function, the parameter's name
// is only declared with let in a block, or the body stays in place.
async function nested(a) {
  function inner() {
    var a = 2;
    return a;
  }
  { let b = a; await b; }
  return inner() + a;
}

function sync(a) {
  var a = a || 3;
  return a;
}
