package decide_test

import (
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/decide"
	"github.com/telemetry-inject/telemetry-inject/internal/decide/builtin"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// jsRouter is a router in express's shape, with every kind of dispatch
// plumbing the quiet density leaves without a span, and the work it keeps.
const jsRouter = `proto.handle = function handle(req, res, out) {
  var self = this;
  var idx = 0;
  var stack = self.stack;
  var done = restore(out, req, 'baseUrl');
  for (var i = 0; i < stack.length; i++) {
    stack[i].ok = matchPath(stack[i], req.url) !== null;
  }
  next();
  function next(err) {
    var layer;
    var match;
    while (match !== true && idx < stack.length) {
      layer = stack[idx++];
      match = layer.ok;
      if (match !== true) {
        continue;
      }
    }
    if (match !== true) {
      return done(err);
    }
    self.process_params(layer, req, res, function (err) {
      if (err) {
        next(err);
        return;
      }
      layer.handle_request(req, res, next);
    });
  }
};

proto.process_params = function process_params(layer, req, res, done) {
  var keys = layer.keys;
  if (!keys || keys.length === 0) {
    return done();
  }
  var i = 0;
  var name;
  var key;
  var value;
  key = keys[i++];
  name = key.name;
  value = req.params[name];
  req.values = req.values || {};
  req.values[name] = value;
  done();
};

function matchPath(layer, path) {
  var m = layer.regexp.exec(path);
  var params = {};
  if (!m) {
    return null;
  }
  for (var i = 1; i < m.length; i++) {
    params[layer.keys[i - 1].name] = m[i];
  }
  layer.params = params;
  layer.path = m[0];
  return params;
}

Layer.prototype.match = function match(path) {
  if (path == null) {
    return false;
  }
  if (this.regexp.fast_slash) {
    this.params = {};
    this.path = '';
    return true;
  }
  var m = this.regexp.exec(path);
  this.params = m ? { id: m[1] } : undefined;
  this.path = m ? m[0] : undefined;
  return m !== null;
};

function restore(fn, obj) {
  var props = new Array(arguments.length - 2);
  var vals = new Array(arguments.length - 2);
  for (var i = 0; i < props.length; i++) {
    props[i] = arguments[i + 2];
    vals[i] = obj[props[i]];
  }
  return function () {
    for (var i = 0; i < props.length; i++) {
      obj[props[i]] = vals[i];
    }
    return fn.apply(this, arguments);
  };
}

res.set =
res.header = function header(field, val) {
  var value = val;
  if (arguments.length === 2) {
    value = Array.isArray(val) ? val.map(String) : String(val);
    this.setHeader(field, value);
  } else {
    for (var key in field) {
      this.set(key, field[key]);
    }
  }
  return this;
};

exports.init = function (app) {
  return function expressInit(req, res, next) {
    if (app.enabled('x-powered-by')) res.setHeader('X-Powered-By', 'Express');
    req.res = res;
    res.req = req;
    req.next = next;
    res.locals = res.locals || Object.create(null);
    setPrototypeOf(req, app.request);
    setPrototypeOf(res, app.response);
    next();
  };
};

app.get('/users/:id', function (req, res) {
  var id = Number(req.params.id);
  var user = users.find(id);
  if (!user) {
    res.status(404);
    res.json({ error: 'no user ' + id });
    return;
  }
  audit(user);
  res.json(user);
});

Layer.prototype.handle_request = function handle(req, res, next) {
  var fn = this.handle;
  if (fn.length > 3) {
    return next();
  }
  try {
    fn(req, res, next);
  } catch (err) {
    next(err);
  }
};

function sumAll(rows) {
  var total = 0;
  for (var i = 0; i < rows.length; i++) {
    total += rows[i].amount;
  }
  return total;
}
`

// TestPolicyLowLeavesDispatchPlumbingOut: at the default density the
// router's own handle, the middleware a factory returns and the route
// handler keep their spans, and each piece of plumbing loses its span for
// its own reason; at medium every function of ten lines or more has one.
func TestPolicyLowLeavesDispatchPlumbingOut(t *testing.T) {
	low := plan(t, decide.Policy{}, source.JavaScript, jsRouter, builtin.Decide)
	checkSpans(t, "low", low, map[string]string{
		"function handle@1":           kept,
		"function next@10":            "continuation next",
		"function process_params@33":  "called from continuation next (line 10)",
		"function matchPath@50":       "called inside a loop (line 6)",
		"function match@64":           "predicate",
		"function restore@79":         "builds and returns function",
		"function header@95":          "bound as a getter or setter",
		"function expressInit@109":    kept,
		"function GET /users/:id@121": kept,
		// Short: a guard and a try around one call is dispatch, a loop
		// is work.
		"function handle@133": "9-line function",
		"function sumAll@145": kept,
	})
	medium := plan(t, decide.Policy{Density: decide.Medium}, source.JavaScript, jsRouter, builtin.Decide)
	checkSpans(t, "medium", medium, map[string]string{
		"function next@10":           kept,
		"function process_params@33": kept,
		"function matchPath@50":      kept,
		"function match@64":          kept,
		"function restore@79":        kept,
		"function header@95":         kept,
	})
}

// kept is how plan reports a function that has its span.
const kept = "values=false ticks=false sensitive=false"

// checkSpans compares plan's lines with want: kept, or a part of the
// reason the function was trimmed for.
func checkSpans(t *testing.T, density string, got, want map[string]string) {
	t.Helper()
	for key, w := range want {
		g, ok := got[key]
		switch {
		case !ok:
			t.Errorf("%s: no such construct at %s", key, density)
		case w == kept && g != kept:
			t.Errorf("%s at %s: %s, want a span", key, density, g)
		case w != kept && !strings.Contains(g, "trimmed ("+w):
			t.Errorf("%s at %s: %s, want trimmed for %q", key, density, g, w)
		}
	}
}

// pyPlumbing has a decorator's wrapper, a helper closure, and a route an
// app factory registers.
const pyPlumbing = `import functools


def logged(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        print("calling", fn.__name__)
        result = fn(*args, **kwargs)
        print("called", fn.__name__)
        if result is None:
            print("nothing")
        return result
    return wrapper


def create_app(config):
    app = Flask(__name__)
    app.config.update(config)
    app.secret = config.get("name")
    db = connect(app.config)

    def migrate(version):
        for step in db.steps(version):
            step.apply()
            step.check()
            step.record()
        db.commit()
        db.close()
        app.logger.info("migrated")
        return version

    @app.route("/users/<id>")
    def show_user(id):
        user = db.find(id)
        if user is None:
            abort(404)
        audit(user)
        audit(id)
        return render(user)

    migrate(config.get("version"))
    return app
`

func TestPolicyLowOnPythonClosures(t *testing.T) {
	low := plan(t, decide.Policy{}, source.Python, pyPlumbing, builtin.Decide)
	checkSpans(t, "low", low, map[string]string{
		"function wrapper@5":     "inner function of logged",
		"function migrate@22":    "inner function of create_app",
		"function show_user@32":  kept,
		"function create_app@16": kept,
	})
}

// jsGuards has short functions whose only if raises on bad input, on one
// line and as a block, and one that branches between two kinds of work.
const jsGuards = `function parse(text) {
  if (typeof text !== 'string') throw new TypeError('text');
  const tree = build(text);
  check(tree);
  log(tree);
  return tree;
}

function parseBlock(text) {
  if (typeof text !== 'string') {
    throw new TypeError(
      'text must be a string');
  }
  const tree = build(text);
  check(tree);
  return tree;
}

function choose(text) {
  if (text) {
    draw(text);
  } else {
    erase();
  }
  check(text);
  log(text);
  return text;
}
`

// TestPolicyLowCountsNoGuardAsBranch: a short function that only checks
// its input before straight-line work gets no span at the default density,
// one that chooses between two kinds of work does.
func TestPolicyLowCountsNoGuardAsBranch(t *testing.T) {
	low := plan(t, decide.Policy{}, source.JavaScript, jsGuards, builtin.Decide)
	checkSpans(t, "low", low, map[string]string{
		"function parse@1":      "5-line function",
		"function parseBlock@9": "7-line function",
		"function choose@19":    kept,
	})
}

// pyGuardedWrites: a guard before a write to the object's state decides
// whether the state changes (reserve, withdraw); a guard before pure
// computation only validates (decode).
const pyGuardedWrites = `class Stock:
    def reserve(self, sku, quantity):
        available = self.items.get(sku, 0)
        if available < quantity:
            raise OutOfStock(sku)
        self.items[sku] = available - quantity
        return self.items[sku]

    def withdraw(self, amount):
        if amount > self.balance:
            raise Refused(amount)
        self.balance -= amount
        self.history.append(-amount)
        return self.balance

    def decode(self, s):
        obj, end = self.raw_decode(s)
        end = skip(s, end)
        if end != len(s):
            raise DecodeError(end)
        return obj
`

// jsGuardedWrites is pyGuardedWrites in JavaScript.
const jsGuardedWrites = `class Stock {
  reserve(sku, quantity) {
    const available = this.items.get(sku) || 0;
    if (available < quantity) throw new OutOfStock(sku);
    this.items.set(sku, available - quantity);
    this.count++;
    return available - quantity;
  }

  decode(s) {
    const [obj, end0] = this.rawDecode(s);
    const end = skip(s, end0);
    if (end !== s.length) throw new DecodeError(end);
    return obj;
  }
}
`

// TestPolicyLowKeepsGuardedWrites: at the default density a short method
// that refuses before changing its object's state keeps its span (its
// refusal is the operation's outcome), one that only validates before
// computing does not.
func TestPolicyLowKeepsGuardedWrites(t *testing.T) {
	py := plan(t, decide.Policy{}, source.Python, pyGuardedWrites, builtin.Decide)
	checkSpans(t, "low", py, map[string]string{
		"function reserve@2":  kept,
		"function withdraw@9": kept,
		"function decode@16":  "5-line function",
	})
	js := plan(t, decide.Policy{}, source.JavaScript, jsGuardedWrites, builtin.Decide)
	checkSpans(t, "low", js, map[string]string{
		"function reserve@2": kept,
		"function decode@10": "4-line function",
	})
}

// pyAlias calls its pure Python fallback through the name the C version
// would have had, once per key of an object.
const pyAlias = `try:
    from _speedups import scanstring as c_scanstring
except ImportError:
    c_scanstring = None


def py_scanstring(s, end, strict=True):
    chunks = []
    begin = end - 1
    while 1:
        chunk = match(s, end)
        if chunk is None:
            raise ValueError(begin)
        end = chunk.end()
        chunks.append(chunk.group())
        if chunk.group() == '"':
            break
    return "".join(chunks), end


scanstring = c_scanstring or py_scanstring


def parse_object(s, end, strict):
    pairs = []
    while True:
        key, end = scanstring(s, end, strict)
        value, end = scan_value(s, end)
        pairs.append((key, value))
        if s[end] == "}":
            break
        end += 1
    return dict(pairs), end
`

// TestPolicyLowFollowsAliases: a function called in a loop through a name
// it is assigned to is called once per element.
func TestPolicyLowFollowsAliases(t *testing.T) {
	low := plan(t, decide.Policy{}, source.Python, pyAlias, builtin.Decide)
	checkSpans(t, "low", low, map[string]string{
		"function py_scanstring@7": "called inside a loop (line 26)",
		"function parse_object@24": kept,
	})
}
