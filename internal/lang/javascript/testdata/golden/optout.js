// telemetry-inject: ignore
function skipped(a) {
  for (const x of a) console.log(x);
  return a;
}

function kept(a) {
  // telemetry-inject: ignore
  const inner = () => {
    return a;
  };
  return inner();
}

// telemetry-inject: ignore
class Quiet {
  m() { return 1; }
}

function introspect() {
  return arguments.callee.name;
}

module.exports = { skipped, kept, Quiet, introspect };
