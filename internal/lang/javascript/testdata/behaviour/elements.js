/** @jsx h */
/** @jsxFrag Fragment */
// JSX in a .js file, as React projects built by Babel, webpack or Vite
// write it; the pragma names this file's own factory, so the program runs
// once TypeScript has compiled the elements away.
"use strict";

const Fragment = "frag";

function h(type, props, ...children) {
  if (typeof type === "function") {
    return type({ ...props, children });
  }
  const attrs = Object.entries(props || {}).map(([k, v]) => ` ${k}="${v}"`).join("");
  return `<${type}${attrs}>${children.flat().join("")}</${type}>`;
}

function Row({ label, children }) {
  const text = label.toUpperCase();
  return <li title={text}>{children}</li>;
}

const Empty = () => <br />;

function List({ items }) {
  const rows = [];
  for (const [i, it] of items.entries()) {
    if (!it) {
      throw new Error("empty item at " + i);
    }
    rows.push(<Row label={it}>{it.length}</Row>);
  }
  return (
    <>
      <ul>{rows}</ul>
      <Empty />
    </>
  );
}

console.log(<List items={["a", "bc"]} />);
try {
  console.log(<List items={["a", ""]} />);
} catch (e) {
  console.log("caught", e.message);
}
