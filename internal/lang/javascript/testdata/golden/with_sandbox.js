// A sloppy script evaluating in a sandbox: inside `with`, every name is
// looked up on the object first, and this Proxy claims every name but four.
function evalIn(names, scope) {
  var out = [];
  var sandbox = new Proxy(scope, { has: function (t, k) { return ["names", "out", "i", "String"].indexOf(k) < 0; } });
  with (sandbox) {
    for (var i = 0; i < names.length; i++) {
      var item = String(names[i]);
      out.push(function (x) { var y = x + "!"; return y; }(item));
    }
  }
  return out.join(",") + ":" + scope.item;
}
module.exports = evalIn;
