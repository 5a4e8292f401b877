/*@ti{*/const __ti = require("./_telemetry_utils.js");/*}@ti*/
// An Express app instrumented as telemetry-inject renders it. main() starts
// the server inside its span and ends; the requests that follow are each
// their own operation, so each must be its own trace.
const express = require("express");
const http = require("http");

function lookup(id) {
  /*@ti{*/const __ti_s = __ti.enter("lookup", "server.js", 8, {id: id}); try {/*}@ti*/
  return { id, name: "item" + id };
  /*@ti{*/} finally { __ti.exit(__ti_s); }/*}@ti*/
}

async function handle(req, res) {
  /*@ti{*/return await __ti.run("handle", "server.js", 13, {req: req, res: res}, async () => {/*}@ti*/
  await new Promise((r) => setTimeout(r, 2));
  res.json(lookup(req.params.id));
  /*@ti{*/});/*}@ti*/
}

function start() {
  /*@ti{*/const __ti_s = __ti.enter("start", "server.js", 20, {}); try {/*}@ti*/
  const app = express();
  app.get("/item/:id", handle);
  return app.listen(0, "127.0.0.1");
  /*@ti{*/} finally { __ti.exit(__ti_s); }/*}@ti*/
}

async function main() {
  /*@ti{*/return await __ti.run("main", "server.js", 28, {}, async () => {/*}@ti*/
  const server = start();
  await new Promise((r) => server.once("listening", r));
  return server;
  /*@ti{*/});/*}@ti*/
}

function get(port, path) {
  return new Promise((resolve, reject) => {
    http.get({ host: "127.0.0.1", port, path, agent: false }, (res) => {
      let body = "";
      res.on("data", (c) => { body += c; });
      res.on("end", () => resolve(body));
    }).on("error", reject);
  });
}

main().then(async (server) => {
  const n = Number(process.argv[2]);
  for (let i = 0; i < n; i++) console.log(await get(server.address().port, "/item/" + i));
  server.close();
});
