import React, { useState } from "react";

type Props = { label: string; onClick?: () => void };

export function Button({ label, onClick }: Props) {
  const [count, setCount] = useState(0);
  return (
    <button onClick={() => { setCount(count + 1); onClick?.(); }}>
      {label} {count}
    </button>
  );
}

export const List = (props: { items: string[] }) => (
  <ul>
    {props.items.map((item) => <li key={item}>{item}</li>)}
  </ul>
);
