function walk(items, limit) {
  let seen = 0;
  outer: for (let i = 0; i < items.length; i++) {
    inner: for (const key in items[i]) {
      if (key === "stop") break outer;
      if (key === "skip") continue inner;
      seen++;
    }
  }
  do {
    seen--;
  } while (seen > limit);
  while (seen < limit) seen++;
  for (const x of items) for (const y of x) seen += y;
  if (seen) for (;;) break;
  switch (limit) {
    case 1:
      for (const z of items) {
        seen = z;
      }
      break;
  }
  return seen;
}

async function drain(stream) {
  for await (const chunk of stream) {
    console.log(chunk);
  }
}

for (const top of [1, 2]) {
  console.log(top);
}

function each(list) {
  for (const item of list) {
    const doubled = item * 2;
    list.forEach((x) => {
      const y = x + doubled;
      return y;
    });
  }
}

module.exports = { walk, drain, each };
