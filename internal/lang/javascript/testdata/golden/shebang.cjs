#!/usr/bin/env node
"use strict";
// a header comment

const fs = require("fs");

function main(argv) {
  for (const a of argv) {
    console.log(a);
  }
}

main(process.argv.slice(2));
