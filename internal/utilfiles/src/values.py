# What may be recorded of the program's objects, spliced into the runtime
# when it is built. Nothing here calls the program's code: no repr, str,
# len, bool, ==, hash or attribute lookup on an object whose type is not an
# exact builtin type, no iteration; type names are read through type's own
# C descriptors, which a metaclass cannot override.

_TNAME = type.__dict__["__name__"].__get__  # pragma: no cover
_TQUAL = type.__dict__["__qualname__"].__get__  # pragma: no cover
_TMOD = type.__dict__["__module__"].__get__  # pragma: no cover
_TMRO = type.__dict__["__mro__"].__get__  # pragma: no cover
_PLAIN_NAMES = {int: "int", float: "float", bool: "bool", complex: "complex", type(None): "None", range: "range",  # pragma: no cover
                type: "type"}
_SIZED_NAMES = {str: "str", bytes: "bytes", bytearray: "bytearray", list: "list", tuple: "tuple", dict: "dict",  # pragma: no cover
                set: "set", frozenset: "frozenset"}
_SHORT = 64  # pragma: no cover
_CONTROL = ("GeneratorExit", "StopIteration", "StopAsyncIteration", "SystemExit", "KeyboardInterrupt")  # pragma: no cover


def _tname(t):  # pragma: no cover
    """module.qualname of a type, or its bare name for builtins."""
    try:
        qn = _TQUAL(t)
        mod = _TMOD(t)
        if type(qn) is not str:
            qn = "?"
        if type(mod) is str and mod != "builtins":
            return mod + "." + qn
        return qn
    except Exception:
        return "?"


def _shape(v):  # pragma: no cover
    """The exact builtin type's name, with the length of builtin containers
    and strings: "list[3]", "int", "None"; other types by their name."""
    t = type(v)
    # A metaclass could define __hash__ or __eq__: only types whose own
    # type is exactly type are looked up in a dict.
    if type(t) is type:
        name = _PLAIN_NAMES.get(t)
        if name is not None:
            return name
        name = _SIZED_NAMES.get(t)
        if name is not None:
            return "%s[%d]" % (name, len(v))
    return _tname(t)


def _value_pair(v):  # pragma: no cover
    """("value", v) for exact int/float/bool/None and short str/bytes
    (redacted), else ("shape", shape)."""
    t = type(v)
    if t is bool or t is float or v is None:
        return ("value", v)
    if t is int:
        if -(1 << 63) <= v < (1 << 63):
            return ("value", v)
    elif t is str:
        if len(v) <= _SHORT:
            return ("value", _redact(v))
    elif t is bytes:
        if len(v) <= _SHORT:
            return ("value", _redact(repr(v)))
    return ("shape", _shape(v))


_SENSITIVE_WORDS = frozenset(  # pragma: no cover
    "password passwords passwd pwd pw pass passphrase passcode passwort passwoord wachtwoord contrasena contrasenya "
    "senha motdepasse mdp parola salasana haslo heslo jelszo sifre losenord adgangskode kodeord "
    "secret secrets token tokens jwt bearer otp totp nonce key keys apikey privkey private pem dsn "
    "auth authn authz oauth authorization authorisation credential credentials cred creds cookie cookies "
    "session sessions sessionid sid ssn iban dob card cards creditcard cardnumber cvv cvc ccv pin salt "
    "hmac signature sig cert".split())
_SENSITIVE_FRAGMENTS = ("password", "passwd", "passwort", "secret", "apikey", "accesskey", "privatekey",  # pragma: no cover
                        "credential", "creditcard", "cardnumber", "socialsecurity", "authorization",
                        "contrasena", "motdepasse", "wachtwoord")
_SENSITIVE_CACHE = {}  # pragma: no cover


def _words(name):  # pragma: no cover
    """Splits snake_case, kebab-case and camelCase into lower-case words."""
    out, cur, prev = [], [], ""
    for ch in name:
        if not ch.isalnum():
            if cur:
                out.append("".join(cur))
                cur = []
        elif cur and ((ch.isupper() and prev.islower()) or (ch.isdigit() != prev.isdigit())):
            out.append("".join(cur))
            cur = [ch]
        else:
            cur.append(ch)
        prev = ch
    if cur:
        out.append("".join(cur))
    return [w.lower() for w in out]


def _sensitive(name):  # pragma: no cover
    # Names come from the source, so the cache stays as small as the program.
    if type(name) is not str:
        return True
    hit = _SENSITIVE_CACHE.get(name)
    if hit is None:
        hit = _sensitive_words(_words(name))
        if len(_SENSITIVE_CACHE) < 10000:
            _SENSITIVE_CACHE[name] = hit
    return hit


def _sensitive_words(words):  # pragma: no cover
    joined = "".join(words)
    return any(w in _SENSITIVE_WORDS for w in words) or any(f in joined for f in _SENSITIVE_FRAGMENTS)


_REDACTED = "[REDACTED]"  # pragma: no cover
_TOKEN_PREFIXES = ("sk-", "sk_", "pk_live_", "rk_live_", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_",  # pragma: no cover
                   "glpat-", "xoxb-", "xoxp-", "xoxa-", "xoxs-", "xapp-", "AIza", "npm_", "hf_", "shpat_", "SG.")
_AWS_PREFIXES = ("AKIA", "ASIA", "AGPA", "AIDA", "AROA", "ANPA", "ANVA", "AIPA")  # pragma: no cover
_SEPARATORS = " \t\r\n\"'`,;()[]{}<>|"  # pragma: no cover


def _redact(s):  # pragma: no cover
    """s, or a placeholder when s holds anything shaped like a secret:
    credentials in an Authorization value, a URL or a DSN, a PEM block, a
    JWT, a cloud or service key, a sensitive key=value pair, or a long
    high-entropy token. Only short strings get here, so the whole string
    goes: no partial secret survives."""
    try:
        return _REDACTED if _secretish(s) else s
    except Exception:
        return _REDACTED


def _secretish(s):  # pragma: no cover
    low = s.lower()
    if "-----begin" in low or "bearer " in low or "basic " in low or "private key" in low:
        return True
    at = s.find("@")
    if at > 0 and "://" in s[:at] and ":" in s[s.find("://") + 3:at]:
        return True
    tokens = [s]
    for sep in _SEPARATORS:
        tokens = [p for t in tokens for p in t.split(sep) if p]
    for tok in tokens:
        if _token_secret(tok):
            return True
    # A sensitive word followed by anything ("password=x", "api_key: x",
    # "token x"): never cached, the words are the program's data.
    words = _words(s)
    return any(_sensitive_words([w]) for w in words[:-1])


def _token_secret(tok):  # pragma: no cover
    if tok.startswith(_TOKEN_PREFIXES) and len(tok) >= 12:
        return True
    if tok.startswith(_AWS_PREFIXES) and len(tok) >= 16 and tok.isalnum() and tok.upper() == tok:
        return True
    if tok.startswith("eyJ") and tok.count(".") == 2:
        return True
    if len(tok) >= 20:
        kinds = (any(c.islower() for c in tok) + any(c.isupper() for c in tok) + any(c.isdigit() for c in tok))
        if kinds >= 2 and len(set(tok)) * 2 >= min(len(tok), 40):
            return True
    return False


def _control_flow(t):  # pragma: no cover
    """Exceptions that end a generator, a loop or the program as designed."""
    try:
        for base in _TMRO(t):
            name, mod = _TNAME(base), _TMOD(base)
            if type(mod) is not str:
                continue
            if mod == "builtins" and name in _CONTROL:
                return True
            if name == "CancelledError" and mod in ("asyncio.exceptions", "concurrent.futures._base"):
                return True
    except Exception:
        pass
    return False


def _first_instrumented(tb):  # pragma: no cover
    """True when no instrumented span below this frame has seen the
    exception: it is recorded once, where it was raised or first crossed
    an instrumented function. Frames are told by their code objects."""
    if tb is None:
        return True
    seen = False
    t = tb.tb_next
    while t is not None:
        if id(t.tb_frame.f_code) in _EXC_CODES:
            seen = True
            break
        t = t.tb_next
    if len(_EXC_CODES) > 65536:
        _EXC_CODES.clear()  # code made at run time, over and over
    _EXC_CODES.add(id(tb.tb_frame.f_code))
    return not seen


def _exc_fields(t, v, tb, with_stack, with_msg):  # pragma: no cover
    """(type, message or None, stacktrace) of an exception, built from
    builtin data only. The message is given, when with_msg, for builtin
    exception types whose arguments are exact strings or numbers, redacted;
    the stack is formatted from code objects and line numbers, as Python
    prints it."""
    typ = _tname(t)
    msg = None
    if with_msg:
        try:
            b = _modules["builtins"]
            if type(t) is type and b.__dict__.get(_TNAME(t)) is t:
                args = BaseException.__dict__["args"].__get__(v)
                if type(args) is tuple and all(type(a) is str or type(a) is int for a in args):
                    if len(args) == 1 and type(args[0]) is str:
                        msg = repr(args[0]) if t is KeyError else args[0]
                    elif len(args) == 2 and issubclass(t, OSError) and type(args[0]) is int:
                        msg = "[Errno %d] %s" % args
                    elif not args:
                        msg = ""
                if msg is not None:
                    msg = _redact(msg[:256])
        except Exception:
            msg = None
    stack = ""
    if with_stack and tb is not None:
        try:
            lines = []
            while tb is not None and len(lines) < 64:
                code = tb.tb_frame.f_code
                lines.append('  File "%s", line %s, in %s\n' % (code.co_filename, tb.tb_lineno, code.co_name))
                tb = tb.tb_next
            head = "Traceback (most recent call last):\n"
            stack = head + "".join(lines) + typ + (": " + msg if msg else "") + "\n"
        except Exception:
            stack = ""
    limit = _LIMITS[2]
    if limit:
        typ, stack = typ[:limit], stack[:limit]
        msg = msg[:limit] if msg is not None else None
    return typ, msg, stack


def _attrs(attrs, values):  # pragma: no cover
    """Turns the flat ("name", value, ...) tuple into span attributes without
    keeping a reference to any value."""
    out = {}
    if type(attrs) is not tuple:
        return out
    sens, plain, sized = _SENSITIVE_CACHE, _PLAIN_NAMES, _SIZED_NAMES
    for i in range(0, len(attrs) - 1, 2):
        k = attrs[i]
        if type(k) is not str:
            continue
        hit = sens.get(k)
        if hit is None:
            hit = _sensitive(k)
        if hit:
            # Not even a length: a password's length is part of it.
            continue
        v = attrs[i + 1]
        if values:
            out[k] = _value_pair(v)[1]
            continue
        # _shape, inlined: this runs for every parameter of every span.
        t = type(v)
        if type(t) is type:
            name = plain.get(t)
            if name is not None:
                out[k] = name
                continue
            name = sized.get(t)
            if name is not None:
                out[k] = "%s[%d]" % (name, len(v))
                continue
        out[k] = _tname(t)
    return out


def _failed(sp, t, v, tb):  # pragma: no cover
    if _control_flow(t):
        return
    first = _first_instrumented(tb)
    typ, msg, stack = _exc_fields(t, v, tb, first, sp.record == 2)
    sp.error = msg if msg is not None else typ
    if sp.otel is not None:
        trace = _modules[_OTM]
        if first:
            sp.otel.add_event("exception", _exc_attrs(typ, msg, stack))
        sp.otel.set_status(trace.Status(trace.StatusCode.ERROR, sp.error))
    elif first:
        ev = sp.events
        item = ("exception", _time_ns(), None, None, _exc_attrs(typ, msg, stack))
        # The exception event is kept even past the event limit: it is why
        # the span is an error.
        if ev is None:
            sp.events = [item]
        else:
            ev.append(item)


def _exc_attrs(typ, msg, stack):  # pragma: no cover
    a = {"exception.type": typ}
    if msg is not None:
        a["exception.message"] = msg
    if stack:
        a["exception.stacktrace"] = stack
    return a
