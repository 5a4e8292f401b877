"use strict";
const test = require("node:test");
const assert = require("node:assert");
const { parse, double, later } = require("./lib.js");

test("parses", () => {
  assert.strictEqual(parse("2"), 2);
  assert.throws(() => parse("x"), TypeError);
});

test("doubles later", async () => {
  assert.strictEqual(double(2), 4);
  assert.strictEqual(await later(3), 6);
});
