
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


def _attr(k, v, q):
    t = type(v)
    if t is bool:
        val = '{"boolValue":true}' if v else '{"boolValue":false}'
    elif t is int:
        val = '{"intValue":"%d"}' % v
    elif t is float and v == v and v not in (float("inf"), float("-inf")):
        val = '{"doubleValue":%r}' % v
    else:
        val = '{"stringValue":%s}' % q(str(v))
    return '{"key":%s,"value":%s}' % (q(k), val)


def _span_json(sp, q):
    """Renders a span as OTLP JSON text. It is written by hand, with q the
    C string encoder of the json module: building dicts for json.dumps
    costs several times more, and runs once per span."""
    code = [_attr("code.function.name", sp.name, q), _attr("code.file.path", sp.file, q),
            _attr("code.line.number", sp.line, q)]
    attrs = ",".join(code + [_attr(k, v, q) for k, v in sp.attrs.items()] if sp.attrs else code)
    if sp.error is not None:
        status = '{"code":2,"message":%s}' % q(sp.error)
    else:
        status = "{}"
    parts = ['{"traceId":"%032x","spanId":"%016x"' % (sp.trace_id, sp.span_id)]
    if sp.parent_id:
        parts.append(',"parentSpanId":"%016x"' % sp.parent_id)
    parts.append(',"name":%s,"kind":1,"startTimeUnixNano":"%d","endTimeUnixNano":"%d","attributes":[%s],"status":%s'
                 % (q(sp.name), sp.start, max(sp.end, sp.start + 1), attrs, status))
    if sp.events:
        events = ",".join(['{"timeUnixNano":"%d","name":%s,"attributes":[%s]}'
                           % (t, q(n), ",".join([_attr(k, v, q) for k, v in a.items()])) for n, t, a in sp.events])
        parts.append(',"events":[%s]' % events)
    parts.append("}")
    return "".join(parts)


class _Exporter(object):
    """Queues ended spans and writes them from one background thread, so the
    program's threads never wait on a file or a collector."""

    def __init__(self, env):
        endpoint = env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
        if not endpoint and env.get("OTEL_EXPORTER_OTLP_ENDPOINT"):
            endpoint = env["OTEL_EXPORTER_OTLP_ENDPOINT"].rstrip("/") + "/v1/traces"
        self.url = endpoint
        path = None if endpoint else env.get("TELEMETRY_INJECT_FILE")
        # Resolved now: the program may change directory before we write.
        self.path = _os.path.abspath(path) if path else None
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
        self.pausing = False

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
                    if len(self.queue) < self.batch and not self.closed and not self.pausing:
                        self.cond.wait(self.interval)
                    if self.pausing and not self.closed:
                        self.thread = None
                        return
                    batch, self.queue = self.queue[: self.batch], self.queue[self.batch:]
                    done = self.closed and not self.queue
                if batch:
                    self._export(batch)
                if done:
                    return
        except Exception:
            _STATS["errors"] += 1

    def pause(self):
        """Stops the thread before a fork, so that the program forks a
        single-threaded process as it would without us (Python 3.12+ warns
        on fork with threads running); the queue is kept."""
        with self.cond:
            t = self.thread
            if t is None:
                return
            self.pausing = True
            self.cond.notify()
        t.join(0.2)

    def resume(self):
        """Restarts the thread in the parent after a fork."""
        with self.cond:
            self.pausing = False
            if self.queue and self.thread is None and not self.closed:
                t = _threading.Thread(target=self._run, name="telemetry-inject-export", daemon=True)
                self.thread = t
                t.start()

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
            from json.encoder import encode_basestring_ascii as q

            spans = [_span_json(sp, q) for sp in batch]
            if self.path:
                data = ("\n".join(spans) + "\n").encode("ascii")
                fd = _os.open(self.path, _os.O_WRONLY | _os.O_APPEND | _os.O_CREAT, 0o644)
                try:
                    _os.write(fd, data)
                finally:
                    _os.close(fd)
                _STATS["exported"] += len(batch)
                return
            resource = ",".join([_attr(k, v, q) for k, v in self.resource.items()] + [_attr("process.pid", _os.getpid(), q)])
            body = ('{"resourceSpans":[{"resource":{"attributes":[%s]},"scopeSpans":[{"scope":{"name":"telemetry-inject"},"spans":[%s]}]}]}'
                    % (resource, ",".join(spans)))
            if self._post(body.encode("ascii")):
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
