// What the runtime may say about a program's value without running any of
// the program's code: no toString/valueOf/JSON.stringify/inspect, no getter,
// no Proxy trap. typeof is always safe; anything past it needs to know the
// object is not a Proxy, which only node:util's types.isProxy can tell
// without triggering a trap, so without it (browsers, Node without a
// synchronous built-in) objects are described by typeof alone.

const SENSITIVE_WORDS = new Set((
  "password passwords passwd pass passw pwd pw passphrase passcode secret secrets token tokens jwt bearer otp totp " +
  "nonce key keys apikey privkey private pem dsn auth authn authz oauth authorization authorisation credential " +
  "credentials cred creds cookie cookies session sessions sessionid sid ssn iban dob card cards creditcard cardnumber " +
  "cvv cvc ccv pin salt hmac signature passwort kennwort contrasena contrasenya clave senha motdepasse mdp parola " +
  "wachtwoord losenord losen adgangskode salasana haslo jelszo heslo sifre parol geslo"
).split(" "));
const SENSITIVE_FRAGMENTS = ["password", "passwd", "passwort", "kennwort", "contrasen", "motdepasse", "wachtwoord",
  "secret", "apikey", "accesskey", "privatekey", "credential", "creditcard", "cardnumber", "socialsecurity", "authoriz"];

// Names come from the source, so the cache stays as small as the program.
const sensitiveCache = new Map();

function sensitive(name) {
  let hit = sensitiveCache.get(name);
  if (hit === undefined) {
    const words = (name.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+/g) || []).map((w) => w.toLowerCase());
    const joined = words.join("");
    hit = words.some((w) => SENSITIVE_WORDS.has(w)) || SENSITIVE_FRAGMENTS.some((f) => joined.includes(f));
    sensitiveCache.set(name, hit);
  }
  return hit;
}

// wordBeforeValue says whether a sensitive word comes before the last word
// of s. No cache: s is the program's data, not a name from the source.
function wordBeforeValue(s) {
  const words = (s.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+/g) || []).map((w) => w.toLowerCase());
  for (let i = 0; i < words.length - 1; i++) {
    const w = words[i];
    if (SENSITIVE_WORDS.has(w) || SENSITIVE_FRAGMENTS.some((f) => w.includes(f))) return true;
  }
  return false;
}

// SECRETS are the shapes of credentials a string may carry whatever its
// name says; each match is replaced by [REDACTED].
const SECRETS = [
  [/\b(bearer|basic|digest|token)(\s+)[A-Za-z0-9._~+/=-]{6,}/gi, "$1$2[REDACTED]"],
  [/\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, "[REDACTED]"],
  [/-----BEGIN[^-]{0,40}-----[\s\S]*?(-----END[^-]{0,40}-----|$)/g, "[REDACTED]"],
  [/\b(AKIA|ASIA|AGPA|AIDA|AROA|ANPA|AIPA)[0-9A-Z]{16}\b/g, "[REDACTED]"],
  [/\b(sk|pk|rk)[-_][A-Za-z0-9_-]{12,}/g, "[REDACTED]"],
  [/\b(ghp|gho|ghu|ghs|ghr|github_pat|glpat|xox[abposr]|npm|AIza)[-_]?[A-Za-z0-9_-]{16,}/g, "[REDACTED]"],
  [/([a-z][a-z0-9+.-]*:\/\/)[^/\s:@]*:[^/\s@]*@/gi, "$1[REDACTED]@"],
  [/\b(pass\w*|pwd|secret\w*|token|api[_-]?key|auth\w*)(\s*[=:]\s*)[^\s&;,]+/gi, "$1$2[REDACTED]"],
];
const LONG_TOKEN = /[A-Za-z0-9+/=_-]{20,}/g;

// entropic says whether a long token looks random (a key, a hash, a
// session id) rather than a word: both letters and digits and more than 3.5
// bits of Shannon entropy per character.
function entropic(t) {
  if (!/[0-9]/.test(t) || !/[A-Za-z]/.test(t)) return false;
  const n = new Map();
  for (let i = 0; i < t.length; i++) n.set(t[i], (n.get(t[i]) || 0) + 1);
  let h = 0;
  for (const c of n.values()) h -= (c / t.length) * Math.log2(c / t.length);
  return h > 3.5;
}

// redact takes known secret shapes out of a string (the program's own
// string: a primitive, so nothing of the program runs), and random-looking
// tokens unless told not to (stack traces, whose paths would look random).
function redact(s, tokens) {
  // A sensitive word followed by anything ("password for eve: hunter2",
  // "token abc"): the words are the program's data, so the whole string
  // goes, as in the Python and Go runtimes. Stacks (tokens false) name
  // functions, not data, and keep their words.
  if (tokens && wordBeforeValue(s)) return "[REDACTED]";
  let out = s;
  for (const [re, to] of SECRETS) out = out.replace(re, to);
  return tokens ? out.replace(LONG_TOKEN, (t) => (entropic(t) ? "[REDACTED]" : t)) : out;
}

// Built-ins are captured when the runtime loads, before the program can
// replace them.
const ObjectProto = Object.prototype, ArrayProto = Array.prototype, MapProto = Map.prototype, SetProto = Set.prototype;
const getProto = Object.getPrototypeOf, ownKeys = Object.keys, ownDesc = Object.getOwnPropertyDescriptor, isArray = Array.isArray;
const mapSize = ownDesc(MapProto, "size").get, setSize = ownDesc(SetProto, "size").get;
const BUILTINS = new Map();
for (const n of ["Date", "RegExp", "Promise", "WeakMap", "WeakSet", "WeakRef", "ArrayBuffer", "SharedArrayBuffer", "DataView",
  "Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array", "Int32Array", "Uint32Array", "Float32Array",
  "Float64Array", "BigInt64Array", "BigUint64Array", "Boolean", "Number", "String", "Symbol", "BigInt",
  "Error", "TypeError", "RangeError", "SyntaxError", "ReferenceError", "EvalError", "URIError", "AggregateError"]) {
  const c = G[n];
  if (typeof c === "function" && c.prototype) BUILTINS.set(c.prototype, n);
}
const ERRORS = new Set(["Error", "TypeError", "RangeError", "SyntaxError", "ReferenceError", "EvalError", "URIError", "AggregateError"]);
const errorIs = typeof Error.isError === "function" ? Error.isError : null;

// nodeTypes is node:util's types, loaded on first use (null where no
// built-in can be reached synchronously).
function nodeTypes() {
  if (st.types === undefined) {
    const u = builtin("node:util");
    st.types = u && u.types && typeof u.types.isProxy === "function" ? u.types : null;
  }
  return st.types;
}

// plain says whether v is an object whose prototype may be read without
// running the program's code: not a Proxy.
function plain(v) {
  const t = nodeTypes();
  return t !== null && !t.isProxy(v);
}

// shape describes v by its exact built-in type and, for exact built-in
// containers and strings, its size: "string(5)", "Array(3)", "Object(2)",
// "Map(1)"; any other object is "object".
function shape(v) {
  const t = typeof v;
  if (t === "string") return "string(" + v.length + ")";
  if (t !== "object") return t;
  if (v === null) return "null";
  try {
    if (!plain(v)) return isArray(v) ? "Array" : "object";
    const p = getProto(v);
    if (p === ArrayProto) return "Array(" + v.length + ")";
    if (p === ObjectProto || p === null) return "Object(" + ownKeys(v).length + ")";
    if (p === MapProto) return "Map(" + mapSize.call(v) + ")";
    if (p === SetProto) return "Set(" + setSize.call(v) + ")";
    return BUILTINS.get(p) || "object";
  } catch (e) {
    // A Map.prototype imitation without Map's slots, a namespace in its TDZ.
    return "object";
  }
}

// SHORT is the longest string recorded as a value: enum-like words, status
// names, small identifiers; anything longer is recorded by its shape.
const SHORT = 64;

// value is what __ti.val and values=1 record: numbers, booleans,
// null/undefined and short strings (redacted); otherwise the shape.
function value(v) {
  switch (typeof v) {
    case "number": return Number.isFinite(v) ? v : String(v);
    case "boolean": return v;
    case "undefined": return "undefined";
    case "string": return v.length <= SHORT ? redact(v, true) : shape(v);
  }
  return v === null ? "null" : shape(v);
}

// describe adds attributes for the injected literal {a: a} (the
// renderer's own object: reading it runs nothing of the program) to a,
// which holds n attributes already, up to max; it returns how many did not
// fit.
function describe(a, n, attrs, values, max) {
  let dropped = 0;
  for (const k of ownKeys(attrs)) {
    if (sensitive(k)) continue;
    if (n >= max) {
      dropped++;
      continue;
    }
    a[k] = values ? value(attrs[k]) : shape(attrs[k]);
    n++;
  }
  return dropped;
}

// stackReadable says whether reading an error's stack runs nothing of the
// program: V8 formats a stack lazily, through Error.prepareStackTrace when
// the program has installed one (source-map-support does). Node installs
// its own, ErrorPrepareStackTrace, which is not the program's.
function stackReadable() {
  const d = ownDesc(Error, "prepareStackTrace");
  if (d === undefined || !("value" in d) || d.value === undefined) return d === undefined || "value" in d;
  const n = typeof d.value === "function" ? ownDesc(d.value, "name") : undefined;
  return n !== undefined && "value" in n && n.value === "ErrorPrepareStackTrace";
}

// lookupIsData says whether reading e[k] meets only data properties and
// ordinary objects: V8 formats a stack's first line from name and message,
// so a getter for either would run while the runtime reads the stack.
function lookupIsData(e, k) {
  const types = nodeTypes();
  for (let o = e, n = 0; o !== null && n < 32; n++) {
    if (n > 0 && o !== ObjectProto && !BUILTINS.has(o) && (types === null || types.isProxy(o))) return false;
    const d = ownDesc(o, k);
    if (d !== undefined) return "value" in d;
    o = getProto(o);
  }
  return true;
}

function ownString(e, k) {
  const d = ownDesc(e, k);
  return d !== undefined && "value" in d && typeof d.value === "string" ? d.value : "";
}

// className is the name of prototype p's class, "" unless its constructor
// and the constructor's name are data properties of ordinary objects.
function className(p, types) {
  const c = ownDesc(p, "constructor");
  if (c === undefined || !("value" in c) || typeof c.value !== "function" || types.isProxy(c.value)) return "";
  const n = ownDesc(c.value, "name");
  return n !== undefined && "value" in n && typeof n.value === "string" ? n.value.slice(0, 128) : "";
}

// errorInfo describes a thrown value: exception.type is the error's own
// name, its class's, or the nearest built-in Error class, message and stack only when they are own data
// properties holding strings, all redacted; the message (program data) only
// withMessage, when the span records values. Thrown primitives and objects
// that are not errors (or cannot be told apart from a Proxy) are described
// by their type alone.
function errorInfo(e, withMessage) {
  const t = typeof e;
  if (e === null || (t !== "object" && t !== "function")) return { type: t === "object" ? "null" : t, message: "", stack: "" };
  let isErr = false;
  if (errorIs !== null) isErr = errorIs(e);
  else if (plain(e)) isErr = st.types.isNativeError(e);
  if (!isErr) return { type: plain(e) ? shape(e) : t, message: "", stack: "" };
  // The type is what the program calls the error: an own name it set, else
  // its class's name (read only from data properties of ordinary objects),
  // else the nearest built-in Error class.
  let type = ownString(e, "name");
  const types = nodeTypes();
  for (let p = getProto(e), n = 0; p !== null && n < 16; n++) {
    const name = BUILTINS.get(p);
    if (name !== undefined && ERRORS.has(name)) { if (type === "") type = name; break; }
    if (types === null || types.isProxy(p)) break;
    if (type === "") type = className(p, types);
    p = getProto(p);
  }
  if (type === "") type = "Error";
  const raw = ownString(e, "message").slice(0, 1024), message = withMessage ? redact(raw, true) : "";
  const formats = stackReadable() && lookupIsData(e, "name") && lookupIsData(e, "message");
  let stack = formats ? ownString(e, "stack").slice(0, 4096) : "";
  if (!withMessage && raw !== "") {
    // The stack's first line repeats the message, which is not recorded:
    // only its first occurrence, after the name, goes; a stack that does
    // not show it where expected is not recorded either.
    const at = stack.indexOf(": " + raw);
    stack = at >= 0 ? stack.slice(0, at) + stack.slice(at + 2 + raw.length) : "";
  } else if (raw !== "" && raw !== message) {
    // The stack repeats the message, which is redacted as the message is.
    stack = stack.split(raw).join(message);
  }
  return { type, message, stack: redact(stack, false) };
}
