const express = require("express");
const app = express();
app.get("/users", (req, res) => {
  res.send([]);
});
app.post(`/users/:id`, function (req, res) {
  res.sendStatus(201);
});
process.stdin.on("data", (chunk) => {
  console.log(chunk.length);
});
[1, 2].forEach(function (x) {
  console.log(x);
});
new Promise((resolve) => resolve(1));
(function () {
  console.log("iife");
})();
describe("parser", () => {
  it("parses", () => {});
});
module.exports = app;
