const { fetchUser } = require("./dep");
function describeUser(id) {
  const u = fetchUser(id);
  return "user " + u.id + " at " + u.url;
}
module.exports = { describeUser };
