import React from "react";

export default function Card(props) {
  const title = props.title;
  return <div className="card">{title}</div>;
}
