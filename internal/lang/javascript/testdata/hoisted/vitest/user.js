import { fetchUser } from "./dep.js";
export function describeUser(id) {
  const u = fetchUser(id);
  return "user " + u.id + " at " + u.url;
}
