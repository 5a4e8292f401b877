export interface Item {
  sku: string;
  quantity: number;
}

export function restock(items: Item[], amount: number): Item[] {
  const result: Item[] = [];
  for (const item of items) {
    const quantity = item.quantity + amount;
    result.push({ sku: item.sku, quantity });
  }
  return result;
}

export class Ledger {
  private entries: string[] = [];

  record(sku: string, delta: number): number {
    this.entries.push(`${sku}:${delta}`);
    return this.entries.length;
  }
}
