const { describeUser } = require("./user");
test("the factory's mock answers", () => {
  expect(describeUser(3)).toBe("user 3 at mock://3");
});
