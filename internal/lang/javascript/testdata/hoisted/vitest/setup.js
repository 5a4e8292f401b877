// A vitest setup file: vitest moves vi.hoisted and vi.mock above the
// file's imports and runs vi.hoisted's callback there.
import { vi } from "vitest";

const mocks = vi.hoisted(() => {
  const base = "mock://";
  return { base };
});

vi.mock("./dep.js", () => {
  const prefix = mocks.base;
  return { fetchUser: (id) => ({ id, url: prefix + id }) };
});

export function unused(x) {
  return x + 1;
}
