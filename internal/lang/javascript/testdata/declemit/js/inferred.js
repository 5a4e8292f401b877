// Checked and declared by tsc (allowJs): the async bodies that move into
// an arrow keep the types tsc inferred for the functions.

/** @param {string} m */
export async function refuse(m) {
  const text = "no " + m;
  throw new Error(text);
}

/** @param {unknown} v */
export async function check(v) {
  const kind = typeof v;
  return kind === "string";
}

export class Queue {
  /** @param {number[]} items */
  async total(items) {
    const sum = items.reduce((a, b) => a + b, 0);
    return { sum, count: items.length };
  }

  async close() {
    const reason = "closed";
    throw new Error(reason);
  }
}

export const later = async () => {
  const e = new Error("arrow");
  throw e;
};
