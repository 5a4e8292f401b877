export function fetchUser(id) {
  const url = "https://example.invalid/u/" + id;
  return { id, url };
}
