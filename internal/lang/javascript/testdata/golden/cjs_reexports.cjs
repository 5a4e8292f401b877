"use strict";
// How TypeScript and Babel emit re-exports in CommonJS (graphql's
// index.js): Node matches these getters and this callback by shape to let
// an ES module `import { name }` from the file, so they stay as they are.
Object.defineProperty(exports, "__esModule", { value: true });
exports.localHelper = exports.parse = void 0;
var _parser = require("./parser");
var _visitor = require("./visitor");
Object.defineProperty(exports, "parse", {
  enumerable: true,
  get: function () {
    return _parser.parse;
  },
});
Object.defineProperty(module.exports, "print", {
  enumerable: true,
  get() {
    return _parser.print;
  },
});
Object.keys(_visitor).forEach(function (key) {
  if (key === "default" || key === "__esModule") return;
  if (key in exports && exports[key] === _visitor[key]) return;
  Object.defineProperty(exports, key, {
    enumerable: true,
    get: function () {
      return _visitor[key];
    },
  });
});
// An ordinary getter and callback are instrumented as usual.
const settings = Object.defineProperty({}, "level", {
  get: function () {
    return 3;
  },
});
function localHelper(items) {
  const doubled = items.map(function (item) {
    return item * 2;
  });
  return doubled.length + settings.level;
}
exports.localHelper = localHelper;
