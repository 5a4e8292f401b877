// telemetry-inject: ignore-file
function f(a) {
  return a;
}
module.exports = { f };
