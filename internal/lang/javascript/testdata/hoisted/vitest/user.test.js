import { test, expect } from "vitest";
import { describeUser } from "./user.js";
test("the factory's mock answers", () => {
  expect(describeUser(3)).toBe("user 3 at mock://3");
});
