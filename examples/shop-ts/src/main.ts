import { Ledger, restock } from "./stock";

const ledger = new Ledger();
const items = restock([{ sku: "apple", quantity: 1 }], 2);
for (const item of items) {
  ledger.record(item.sku, item.quantity);
}
console.log(JSON.stringify(items));
