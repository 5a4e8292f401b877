export default { test: { setupFiles: ["./setup.js"], include: ["user.test.js"] } };
