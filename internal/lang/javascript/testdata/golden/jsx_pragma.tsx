/** @jsx h */
import { h } from "./h";

export function App(props: { name: string }) {
  const greeting = `hello ${props.name}`;
  return <div title={greeting}>{greeting}</div>;
}
