'use strict';
// The library: prices a book by its title.

function price(title) {
  let base = title.length * 3;
  if (title.startsWith('u')) {
    base += 10;
  }
  return base;
}

module.exports = { price };
