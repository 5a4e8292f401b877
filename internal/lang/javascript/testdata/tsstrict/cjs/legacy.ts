// A CommonJS TypeScript file as verbatimModuleSyntax allows it.
import path = require("./paths");

function join(parts: string[]): string {
  let acc = [];
  for (const p of parts) {
    acc.push(path.clean(p));
  }
  let last;
  last = acc.join("/");
  return last;
}

async function later(ms: number): Promise<number> {
  await Promise.resolve(ms);
  return ms;
}

export = { join, later };
