"use strict";

const api = {
  list(page, size) {
    return [page, size];
  },
  async get(id) {
    return id;
  },
  *keys() {
    yield "a";
  },
  get total() { return 2; },
  "quoted-key": function (v) { return v; },
  nested: {
    deep(x) {
      return x;
    },
  },
  arrow: (q) => q,
};

module.exports = api;
