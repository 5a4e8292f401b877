const { add } = require("./lib");

test("adding leaves no timer or microtask pending", () => {
  expect(add(1, 2)).toBe(3);
  expect(jest.getTimerCount()).toBe(0);
});
