function unpack(config, list) {
  const { host, port = 80, ...others } = config;
  const [first, , third = 3, ...tail] = list;
  let { nested: { deep }, renamed: alias } = config;
  var plain = 1, other = 2;
  let uninitialised;
  uninitialised = host;
  plain += other;
  for (let k = 0; k < 1; k++) {}
  return [host, port, others, first, third, tail, deep, alias, plain, uninitialised];
}

module.exports = { unpack };
