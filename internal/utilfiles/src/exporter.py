
# The exporter below is appended to the runtime when it is built; it is kept
# in its own source file so that each part reads in one sitting.

_RETRY = (429, 502, 503, 504)


def _env_ms(env, names, default):
    for n in names:
        try:
            v = env.get(n)
            if v:
                return max(float(v), 1.0) / 1000.0
        except ValueError:
            pass
    return default


def _pairs(text):
    """Parses the W3C-baggage-like "k=v,k2=v2" lists OTEL_* variables use."""
    from urllib.parse import unquote

    out = {}
    for part in (text or "").split(","):
        k, sep, v = part.partition("=")
        if sep and k.strip():
            out[unquote(k.strip())] = unquote(v.strip())
    return out


def _attr(k, v):
    t = type(v)
    if t is bool:
        val = {"boolValue": v}
    elif t is int:
        val = {"intValue": str(v)}
    elif t is float and v == v and v not in (float("inf"), float("-inf")):
        val = {"doubleValue": v}
    else:
        val = {"stringValue": str(v)}
    return {"key": k, "value": val}


def _span_json(sp):
    d = {
        "traceId": sp.trace_id,
        "spanId": sp.span_id,
        "name": sp.name,
        "kind": 1,
        "startTimeUnixNano": str(sp.start),
        "endTimeUnixNano": str(max(sp.end, sp.start + 1)),
        "attributes": [_attr(k, v) for k, v in sp.attrs.items()],
        "status": {"code": 2, "message": sp.error} if sp.error is not None else {},
    }
    if sp.parent_id:
        d["parentSpanId"] = sp.parent_id
    if sp.events:
        d["events"] = [{"timeUnixNano": str(t), "name": n, "attributes": [_attr(k, v) for k, v in a.items()]}
                       for n, t, a in sp.events]
    return d


class _Exporter(object):
    """Queues ended spans and writes them from one background thread, so the
    program's threads never wait on a file or a collector."""

    def __init__(self, env):
        endpoint = env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
        if not endpoint and env.get("OTEL_EXPORTER_OTLP_ENDPOINT"):
            endpoint = env["OTEL_EXPORTER_OTLP_ENDPOINT"].rstrip("/") + "/v1/traces"
        self.url = endpoint
        self.path = None if endpoint else env.get("TELEMETRY_INJECT_FILE")
        self.headers = _pairs(env.get("OTEL_EXPORTER_OTLP_HEADERS"))
        self.headers.update(_pairs(env.get("OTEL_EXPORTER_OTLP_TRACES_HEADERS")))
        self.headers["Content-Type"] = "application/json"
        self.timeout = _env_ms(env, ("OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "OTEL_EXPORTER_OTLP_TIMEOUT"), 10.0)
        self.exit_timeout = _env_ms(env, ("TELEMETRY_INJECT_EXIT_TIMEOUT",), 1.0)
        res = {"service.name": "unknown_service:python"}
        res.update(_pairs(env.get("OTEL_RESOURCE_ATTRIBUTES")))
        if env.get("OTEL_SERVICE_NAME"):
            res["service.name"] = env["OTEL_SERVICE_NAME"]
        res.update({"telemetry.sdk.name": "telemetry-inject", "telemetry.sdk.language": "python"})
        self.resource = res
        self.max_queue = 2048
        self.batch = 512
        self.interval = 1.0
        self.reset()

    def reset(self):
        """Starts afresh: a forked child gets its own lock, queue and thread."""
        # add() takes the bare lock: entering a Condition runs Python code.
        self.lock = _threading.Lock()
        self.cond = _threading.Condition(self.lock)
        self.queue = []
        self.thread = None
        self.closed = False

    def add(self, sp):
        with self.lock:
            if len(self.queue) >= self.max_queue or self.closed:
                _STATS["dropped"] += 1
                return
            self.queue.append(sp)
            if self.thread is None:
                t = _threading.Thread(target=self._run, name="telemetry-inject-export", daemon=True)
                self.thread = t
                t.start()
            elif len(self.queue) >= self.batch:
                self.cond.notify()

    def _run(self):
        try:
            while True:
                with self.cond:
                    if len(self.queue) < self.batch and not self.closed:
                        self.cond.wait(self.interval)
                    batch, self.queue = self.queue[: self.batch], self.queue[self.batch:]
                    done = self.closed and not self.queue
                if batch:
                    self._export(batch)
                if done:
                    return
        except Exception:
            _STATS["errors"] += 1

    def close(self):
        """Flushes what is queued, waiting at most the exit timeout."""
        with self.cond:
            self.closed = True
            self.cond.notify()
            t = self.thread
        if t is not None:
            t.join(self.exit_timeout)

    def _export(self, batch):
        try:
            spans = [_span_json(sp) for sp in batch]
            import json

            if self.path:
                data = "".join(json.dumps(s, separators=(",", ":")) + "\n" for s in spans).encode("utf-8")
                fd = _os.open(self.path, _os.O_WRONLY | _os.O_APPEND | _os.O_CREAT, 0o644)
                try:
                    _os.write(fd, data)
                finally:
                    _os.close(fd)
                _STATS["exported"] += len(batch)
                return
            body = {"resourceSpans": [{
                "resource": {"attributes": [_attr(k, v) for k, v in self.resource.items()]
                             + [_attr("process.pid", _os.getpid())]},
                "scopeSpans": [{"scope": {"name": "telemetry-inject"}, "spans": spans}],
            }]}
            if self._post(json.dumps(body, separators=(",", ":")).encode("utf-8")):
                _STATS["exported"] += len(batch)
                return
        except Exception:
            _STATS["errors"] += 1
        _STATS["failed_exports"] += 1
        _STATS["dropped"] += len(batch)

    def _post(self, body):
        import urllib.error
        import urllib.request

        delay = 0.5
        for _ in range(4):
            req = urllib.request.Request(self.url, data=body, headers=self.headers, method="POST")
            try:
                with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                    resp.read()
                return True
            except urllib.error.HTTPError as e:
                code, after = e.code, e.headers.get("Retry-After") if e.headers else None
                e.close()
                if code not in _RETRY or self.closed:
                    return False
                try:
                    wait = min(float(after), 5.0) if after else delay
                except ValueError:
                    wait = delay
            except Exception:
                return False
            with self.cond:
                if not self.closed:
                    self.cond.wait(wait * (0.5 + _rng.random()))
            delay *= 2
        return False
