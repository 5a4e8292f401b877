# The exporter, spliced into the runtime when it is built; kept in its own
# source file so that each part reads in one sitting. It uses _thread, not
# threading, _json, not json, and _socket, not http.client: the program may
# be importing its own copies of those at the moment we need them.

_RETRY = (429, 502, 503, 504)  # pragma: no cover
# Collectors refuse larger bodies by default (4 MiB): requests are split
# below it.
_MAX_BODY = 3 << 20  # pragma: no cover


def _env_ms(env, names, default):  # pragma: no cover
    for n in names:
        try:
            v = env.get(n)
            if v:
                return max(float(v), 1.0) / 1000.0
        except ValueError:
            pass
    return default


def _pairs(text):  # pragma: no cover
    """Parses the W3C-baggage-like "k=v,k2=v2" lists OTEL_* variables use."""
    out = {}
    for part in (text or "").split(","):
        k, sep, v = part.partition("=")
        if sep and k.strip():
            out[_unquote(k.strip())] = _unquote(v.strip())
    return out


def _unquote(s):  # pragma: no cover
    """Percent-decoding without urllib.parse (which imports re)."""
    if "%" not in s:
        return s
    parts = s.encode("utf-8").split(b"%")
    out = [parts[0]]
    for p in parts[1:]:
        try:
            out.append(bytes([int(p[:2], 16)]) + p[2:])
        except ValueError:
            out.append(b"%" + p)
    return b"".join(out).decode("utf-8", "replace")


def _attr(k, v, q):  # pragma: no cover
    t = type(v)
    if t is bool:
        val = '{"boolValue":true}' if v else '{"boolValue":false}'
    elif t is int:
        val = '{"intValue":"%d"}' % v
    elif t is float and v == v and v not in (float("inf"), float("-inf")):
        val = '{"doubleValue":%r}' % v
    else:
        s = v if t is str else repr(v) if v is None or t is float else "?"
        limit = _LIMITS[2]
        if limit and len(s) > limit:
            s = s[:limit]
        val = '{"stringValue":%s}' % q(s)
    return '{"key":%s,"value":%s}' % (q(k), val)


# JSON text of what repeats from span to span: a span's name and code
# attributes, an event's code attributes, shape attributes. Bounded: the
# keys come from the source, except rare value strings.
_JSON = {}  # pragma: no cover


def _keep(key, text):  # pragma: no cover
    if len(_JSON) < 8192:
        _JSON[key] = text
    return text


def _span_json(sp, q):  # pragma: no cover
    """Renders a span as OTLP JSON text, by hand with q the C string encoder
    of _json: building dicts for json.dumps costs several times more."""
    key = ("span", sp.name, sp.file, sp.line)
    head = _JSON.get(key)
    if head is None:
        head = _keep(key, (q(sp.name), ",".join([_attr("code.function.name", sp.name, q), _attr("code.file.path", sp.file, q),
                                                 _attr("code.line.number", sp.line, q)])))
    attrs = [head[1]]
    dropped = 0
    if sp.attrs:
        room = _LIMITS[0] - 3
        for k, v in sp.attrs.items():
            if room <= 0:
                dropped += 1
                continue
            if type(v) is str:
                text = _JSON.get((k, v))
                attrs.append(text if text is not None else _keep((k, v), _attr(k, v, q)))
            else:
                attrs.append(_attr(k, v, q))
            room -= 1
    status = '{"code":2,"message":%s}' % q(sp.error) if sp.error is not None else "{}"
    parts = ['{"traceId":"%032x","spanId":"%016x"' % (sp.trace_id, sp.span_id)]
    if sp.parent_id:
        parts.append(',"parentSpanId":"%016x"' % sp.parent_id)
    parts.append(',"name":%s,"kind":1,"startTimeUnixNano":"%d","endTimeUnixNano":"%d","attributes":[%s],"status":%s'
                 % (head[0], sp.start, max(sp.end, sp.start + 1), ",".join(attrs), status))
    if dropped:
        parts.append(',"droppedAttributesCount":%d' % dropped)
        _STATS["attributes_dropped"] += dropped
    if sp.events:
        parts.append(',"events":[%s]' % ",".join([_event_json(e, q) for e in sp.events]))
    if sp.dropped_events:
        parts.append(',"droppedEventsCount":%d' % sp.dropped_events)
    parts.append("}")
    return "".join(parts)


def _event_json(e, q):  # pragma: no cover
    name, t, file, line, extra = e
    if file is None:
        attrs = ",".join([_attr(k, v, q) for k, v in extra.items()])
        return '{"timeUnixNano":"%d","name":%s,"attributes":[%s]}' % (t, q(name), attrs)
    key = ("event", name, file, line)
    head = _JSON.get(key)
    if head is None:
        head = _keep(key, q(name) + ',"attributes":[' + _attr("code.file.path", file, q) + "," + _attr("code.line.number", line, q))
    if extra is not None:
        head += "," + _attr(extra[0], extra[1], q)
    return '{"timeUnixNano":"%d","name":%s]}' % (t, head)


class _Exporter(object):  # pragma: no cover
    """Queues ended spans and writes them from one background thread, so the
    program's threads never wait on a file or a collector. Spans take their
    queue slot when they start (used counts them, see _open), so a parent
    always finds room for itself once its children are queued."""

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
        res.update({"telemetry.sdk.name": "telemetry-inject", "telemetry.sdk.language": "python",
                    "telemetry.sdk.version": _VERSION})
        self.resource = res
        self.max_queue = max(int(_env_num(env, "OTEL_BSP_MAX_QUEUE_SIZE", 2048)), 1)
        self.batch = min(max(int(_env_num(env, "OTEL_BSP_MAX_EXPORT_BATCH_SIZE", 512)), 1), self.max_queue)
        self.delay = _env_ms(env, ("OTEL_BSP_SCHEDULE_DELAY",), 5.0)
        self.reset()

    def reset(self):
        """Starts afresh: a forked child gets its own locks, queue and thread."""
        # Guards used, started and taking from the queue. Reentrant: a
        # trace or profile function of the program's that is instrumented is
        # called back while this thread holds it (by the line events and the
        # C calls inside, the release among them) and takes it again for
        # its own span; a plain lock waited for itself for ever.
        self.lock = _thread.RLock()
        self.busy = _thread.allocate_lock()  # held while a batch is written
        self.alive = _thread.allocate_lock()  # held while the thread runs
        self.wake = _thread.allocate_lock()  # released to wake the thread
        self.wake.acquire()
        self.queue = []
        self.used = 0
        self.inflight = 0
        self.started = False
        self.closed = False
        self.pausing = False
        self.gone = None  # the running thread's sentinel: see _run

    def added(self):
        """Starts or wakes the thread for a span just queued (the caller
        appends to self.queue itself)."""
        if not self.started:
            self._start()
        elif len(self.queue) >= self.batch:
            self._wake()

    def _wake(self):
        try:
            self.wake.release()
        except RuntimeError:
            pass  # already awake

    def _start(self):
        with self.lock:
            if self.started or self.closed or self.pausing:
                return
            self.started = True
            self.alive.acquire()
        try:
            _thread.start_new_thread(self._run, ())
        except Exception:
            self.alive.release()
            _STATS["errors"] += 1

    def _run(self):
        # A lock released only once this thread's state is deleted, as
        # threading.Thread.join waits for: a subinterpreter that ends with
        # a thread of its own still there aborts the whole process
        # (Py_EndInterpreter: not the last thread), so close waits for it.
        sentinel = getattr(_thread, "_set_sentinel", None)
        try:
            if sentinel is not None:
                self.gone = sentinel()
            while not self.closed and not self.pausing:
                self.wake.acquire(True, self.delay)
                if self.pausing:
                    break
                self.flush()
        except Exception:
            _STATS["errors"] += 1
        finally:
            self.started = False
            self.alive.release()

    def _take(self):
        with self.lock:
            n = min(len(self.queue), self.batch)
            batch = self.queue[:n]
            del self.queue[:n]
            return batch

    def flush(self, deadline=None):
        """Writes everything queued; returns False if the deadline passed."""
        wait = -1 if deadline is None else max(deadline - _mono(), 0) / 1e9
        if not self.busy.acquire(True, wait):
            return False
        try:
            while True:
                batch = self._take()
                if not batch:
                    return True
                self.inflight = len(batch)
                ok = self._export(batch, deadline)
                with self.lock:
                    self.used -= len(batch)
                    self.inflight = 0
                if ok:
                    _STATS["exported"] += len(batch)
                else:
                    _STATS["failed_exports"] += 1
                    _STATS["dropped"] += len(batch)
                if deadline is not None and _mono() > deadline:
                    return not self.queue
        finally:
            self.busy.release()

    def pause(self):
        """Stops the thread before a fork, so that the program forks a
        single-threaded process as it would without us; the queue is kept."""
        self.pausing = True
        self._wake()
        if self.alive.acquire(True, 0.2):
            self.alive.release()

    def resume(self):
        """Restarts the thread in the parent after a fork."""
        self.pausing = False
        if self.queue:
            self._start()

    def close(self):
        """Flushes what is queued at exit, waiting at most the exit timeout;
        what is still unsent then is counted as dropped."""
        deadline = _mono() + int(self.exit_timeout * 1e9)
        self.closed = True
        self._wake()
        done = self.flush(deadline)
        with self.lock:
            lost = len(self.queue) + (0 if done else self.inflight)
            del self.queue[:]
        _STATS["dropped"] += lost
        # The thread, woken with nothing left to write, ends at once: wait
        # for its loop (alive), then for its state to go (see _run).
        if self.alive.acquire(True, max(deadline - _mono(), 0) / 1e9):
            self.alive.release()
            gone = self.gone
            if gone is not None:
                gone.acquire(True, max(deadline - _mono(), 0) / 1e9)

    def _export(self, batch, deadline):
        try:
            from _json import encode_basestring_ascii as q

            spans = [_span_json(sp, q) for sp in batch]
            if self.path:
                data = ("\n".join(spans) + "\n").encode("ascii")
                fd = _os.open(self.path, _os.O_WRONLY | _os.O_APPEND | _os.O_CREAT, 0o644)
                try:
                    _os.write(fd, data)
                finally:
                    _os.close(fd)
                return True
            resource = ",".join([_attr(k, v, q) for k, v in self.resource.items()] + [_attr("process.pid", _os.getpid(), q)])
            head = ('{"resourceSpans":[{"resource":{"attributes":[%s]},"scopeSpans":[{"scope":{"name":"telemetry-inject","version":"%s"},"spans":['
                    % (resource, _VERSION))
            ok, chunk, size = True, [], len(head)
            for s in spans + [None]:
                if s is None or (chunk and size + len(s) + 1 > _MAX_BODY):
                    body = head + ",".join(chunk) + "]}]}]}"
                    ok = self._post(body.encode("ascii"), deadline) and ok
                    chunk, size = [], len(head)
                if s is not None:
                    chunk.append(s)
                    size += len(s) + 1
            return ok
        except Exception:
            _STATS["errors"] += 1
            return False

    def _post(self, body, deadline):
        delay = 0.5
        for _ in range(4):
            timeout = self.timeout
            if deadline is not None:
                timeout = min(timeout, max(deadline - _mono(), 1e6) / 1e9)
            try:
                code, after = _http_post(self.url, body, self.headers, timeout)
            except Exception:
                return False
            if 200 <= code < 300:
                return True
            if code not in _RETRY or self.closed:
                return False
            try:
                wait = min(float(after), 5.0) if after else delay
            except ValueError:
                wait = delay
            # A fresh lock taken twice is a sleep without the time module's
            # sleep, which the program may have patched.
            pause = _thread.allocate_lock()
            pause.acquire()
            pause.acquire(True, wait * (0.5 + (_new_id() & 0xFFFF) / 65536.0))
            delay *= 2
        return False


def _http_post(url, body, headers, timeout):  # pragma: no cover
    """POSTs body with HTTP/1.1 over the _socket C module; returns the
    status and the Retry-After header. http.client would import email,
    random, socket and more, any of which the program may be importing as
    its own copy at that moment; only https needs ssl."""
    import _socket

    scheme, _, rest = url.partition("://")
    hostport, slash, path = rest.partition("/")
    if hostport.startswith("["):  # an IPv6 literal
        end = hostport.find("]")
        host, port = hostport[1:end], hostport[end + 2:]
    else:
        host, _, port = hostport.partition(":")
    port = int(port) if port else (443 if scheme == "https" else 80)
    lines = ["POST /%s HTTP/1.1" % path if slash else "POST / HTTP/1.1", "Host: %s" % hostport,
             "Content-Length: %d" % len(body), "Connection: close"]
    lines += ["%s: %s" % kv for kv in headers.items()]
    request = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
    family, kind, proto, _, addr = _socket.getaddrinfo(host, port, 0, _socket.SOCK_STREAM)[0]
    sock = _socket.socket(family, kind, proto)
    try:
        sock.settimeout(timeout)
        sock.connect(addr)
        if scheme == "https":
            import ssl

            sock = ssl.create_default_context().wrap_socket(sock, server_hostname=host)
        sock.sendall(request)
        data = b""
        while b"\r\n\r\n" not in data and len(data) < 65536:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    finally:
        sock.close()
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    code = int(head[0].split(" ", 2)[1])
    after = None
    for h in head[1:]:
        k, _, v = h.partition(":")
        if k.strip().lower() == "retry-after":
            after = v.strip()
    return code, after
