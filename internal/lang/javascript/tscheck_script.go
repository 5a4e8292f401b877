package javascript

// tscScript type-checks instrumented TypeScript with the project's own
// compiler, through its API: one JSON request a line on stdin, one JSON
// answer a line on stdout. A request names the typescript package, the
// tsconfig.json, the files to check with their instrumented text, and
// virtual files (the runtime's declarations when the runtime file is not
// written yet). Each project's program is built once from its tsconfig and
// kept; a check builds a new program over it with the instrumented texts
// swapped in (unchanged files are reused, so this costs about one file's
// check) and reports, per file, the diagnostics the original did not have
// (matched by code and message, so moved lines do not count; in the
// message, a relative module specifier's file extension is dropped, since
// tsc writes one in the style of the file's imports and the runtime's
// import has ".js").
const tscScript = `
const path = require('path');
const readline = require('readline');
const projects = new Map();
const rl = readline.createInterface({input: process.stdin, crlfDelay: Infinity});
rl.on('line', (line) => {
  let res;
  try { res = handle(JSON.parse(line)); } catch (e) { res = {error: String((e && e.stack) || e)}; }
  process.stdout.write(JSON.stringify(res) + '\n');
});
function project(tslib, config) {
  const key = tslib + '\0' + config;
  let p = projects.get(key);
  if (p) return p;
  const ts = require(tslib);
  let fatal = null;
  const parsed = ts.getParsedCommandLineOfConfigFile(config, {}, Object.assign({}, ts.sys, {
    onUnRecoverableConfigFileDiagnostic: (d) => { fatal = ts.flattenDiagnosticMessageText(d.messageText, '\n'); },
  }));
  if (!parsed) throw new Error('reading ' + config + ': ' + fatal);
  p = {ts, parsed, base: null, baseline: new Map(), roots: new Set(parsed.fileNames.map((f) => path.resolve(f)))};
  p.base = ts.createProgram({rootNames: parsed.fileNames, options: parsed.options, host: host(p, new Map())});
  projects.set(key, p);
  return p;
}
function host(p, over) {
  const ts = p.ts;
  const h = ts.createCompilerHost(p.parsed.options, true);
  const get = (f) => over.get(path.resolve(f));
  const read = h.readFile, exists = h.fileExists, source = h.getSourceFile;
  h.readFile = (f) => { const o = get(f); return o !== undefined ? o : read.call(h, f); };
  h.fileExists = (f) => get(f) !== undefined || exists.call(h, f);
  h.getSourceFile = (f, lang, onError, create) => {
    const o = get(f);
    if (o !== undefined) return ts.createSourceFile(f, o, lang, true);
    const old = p.base && p.base.getSourceFile(f);
    return old || source.call(h, f, lang, onError, create);
  };
  return h;
}
function diagnostics(ts, program, file) {
  const sf = program.getSourceFile(file);
  if (!sf) return null;
  return program.getSyntacticDiagnostics(sf).concat(program.getSemanticDiagnostics(sf)).map((d) => {
    const msg = ts.flattenDiagnosticMessageText(d.messageText, ' ');
    const at = d.start !== undefined ? sf.getLineAndCharacterOfPosition(d.start) : {line: 0, character: 0};
    const key = d.code + ' ' + msg.replace(/"(\.\.?\/[^"]*?)\.[cm]?[jt]sx?"/g, '"$1"');
    return {key, text: (at.line + 1) + ':' + (at.character + 1) + ': TS' + d.code + ': ' + msg};
  });
}
function handle(req) {
  const p = project(req.tslib, req.config);
  const ts = p.ts;
  const over = new Map();
  for (const f of req.files.concat(req.virtual || [])) over.set(path.resolve(f.path), f.text);
  const files = req.files.map((f) => path.resolve(f.path));
  const program = ts.createProgram({rootNames: p.parsed.fileNames, options: p.parsed.options, host: host(p, over), oldProgram: p.base});
  const results = files.map((file) => {
    if (!p.roots.has(file)) return {path: file, skipped: 'not part of the project ' + req.config + ' describes'};
    let base = p.baseline.get(file);
    if (!base) {
      base = new Map();
      for (const d of diagnostics(ts, p.base, file) || []) base.set(d.key, (base.get(d.key) || 0) + 1);
      p.baseline.set(file, base);
    }
    const left = new Map(base);
    const errors = [];
    for (const d of diagnostics(ts, program, file) || []) {
      const n = left.get(d.key) || 0;
      if (n > 0) left.set(d.key, n - 1); else errors.push(d.text);
    }
    return {path: file, errors};
  });
  return {version: ts.version, results};
}
`
