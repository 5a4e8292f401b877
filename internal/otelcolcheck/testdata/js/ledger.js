'use strict';
// A ledger: parses entries, totals them, and fails on a bad one.

class EntryError extends Error {
  constructor(message) {
    super(message);
    this.name = 'EntryError';
  }
}

function parse(line) {
  const [name, amount] = line.split('=');
  if (amount === undefined) {
    throw new EntryError('no amount in ' + line);
  }
  return [name.trim(), Number(amount)];
}

function total(lines) {
  let balance = 0;
  for (const line of lines) {
    balance += parse(line)[1];
  }
  return balance;
}

async function main() {
  await null;
  console.log('total', total(['rent=-900', 'pay=2500', 'food=-300']));
  try {
    total(['ok=1', 'broken']);
  } catch (e) {
    console.log('rejected:', e.message);
  }
}

main();
