// A jest setup file (setupFiles): babel-jest hoists jest.mock above the
// file's first line and refuses a factory that reads the file's variables.
function prefix() {
  return "mock://";
}
global.mockPrefix = prefix();

jest.mock("./dep", () => {
  const base = global.mockPrefix;
  return { fetchUser: (id) => ({ id, url: base + id }) };
});
