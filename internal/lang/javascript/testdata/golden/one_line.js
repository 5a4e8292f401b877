function add(a, b) { return a + b }
function noSemi(a) { const b = a; return b }
const f = function (x) { let y = x; y += 1; return y; };
class K { m(a) { return a } static s() {} }
for (let i = 0; i < 2; i++) { add(i, i) }
while (false) {}
module.exports = { add, noSemi, f, K };
