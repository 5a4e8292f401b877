// A plain script: no import, export, require or module.exports. Node runs
// it as CommonJS; a browser would run it as a classic script.
function total(items) {
  let sum = 0;
  for (const x of items) {
    sum += x;
  }
  return sum;
}
const double = (n) => n * 2;
console.log(total([1, 2, 3]), double(total([4, 5])));
