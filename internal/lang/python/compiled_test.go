package python

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// compiledSrc holds functions that numba, torch, triton and taichi compile
// from their byte code or source, next to a plain one.
const compiledSrc = `import numba
from numba import njit


@numba.njit
def total(n):
    s = 0
    for i in range(n):
        s += i
    return s


@njit(cache=False)
def twice(a):
    t = a * 2
    return t


@numba.vectorize(["float64(float64)"])
def inc(x):
    w = x + 1
    return w


@torch.jit.script
def ts(x):
    y = x + 1
    return y


@ti.kernel
def tk():
    z = 1


def plain(n):
    r = total(n) + twice(n)
    return r
`

// TestCompiledFunctionsAreLeftAlone: a function a JIT compiles, with its
// loops and variables, is declined; the plain one is not.
func TestCompiledFunctionsAreLeftAlone(t *testing.T) {
	l := newTestLanguage(t, Options{NoCompile: true})
	cs, err := l.Find(&source.File{Path: "jitted.py", Lang: source.Python, Src: []byte(compiledSrc)})
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, c := range cs {
		inPlain := c.QualName == "jitted.plain" || c.Enclosing == "jitted.plain"
		if inPlain != (c.Skip == "") {
			t.Errorf("%s %s (in %s): skip %q", c.Kind, c.QualName, c.Enclosing, c.Skip)
		}
		if !inPlain && !strings.Contains(c.Skip, "compiled by @") {
			t.Errorf("%s %s: reason %q does not name the decorator", c.Kind, c.QualName, c.Skip)
		}
		seen++
	}
	if seen < 10 {
		t.Fatalf("found %d constructs, want the functions, the loop and the variables", seen)
	}
}

// TestNumbaRunsInstrumented runs the instrumented module with the real
// numba (Debian's python3-numba), whose nopython mode rejected the
// injected with block at the first call. Skipped where numba is absent.
func TestNumbaRunsInstrumented(t *testing.T) {
	// Debian's package is for Debian's python3, which a python3 first on
	// PATH (pyenv, a virtual environment) may not be.
	py := ""
	for _, cand := range []string{needPython(t), "/usr/bin/python3"} {
		if exec.CommandContext(t.Context(), cand, "-c", "import numba").Run() == nil {
			py = cand
			break
		}
	}
	if py == "" {
		t.Skip("numba is not installed (Debian python3-numba)")
	}
	src := strings.Split(compiledSrc, "@torch.jit.script")[0] + strings.Split(compiledSrc, "z = 1\n")[1] +
		"\n\nprint(plain(4), inc(1.0))\n"
	l := newTestLanguage(t, Options{})
	out, _, err := instrument(l, "jitted.py", []byte(src), "_telemetry_utils")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), `__ti_span__("jitted.plain"`) {
		t.Fatalf("plain is not instrumented: the test shows nothing\n%s", out)
	}
	dir := t.TempDir()
	writeProgram(t, dir, "jitted.py", out)
	cmd := exec.CommandContext(t.Context(), py, "jitted.py")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1", "TELEMETRY_INJECT_FILE="+filepath.Join(dir, "spans.jsonl"))
	b, err := cmd.CombinedOutput()
	if err != nil || string(b) != "14 2.0\n" {
		t.Errorf("instrumented module under numba: %v\n%s\n%s", err, b, out)
	}
}

// extensionSrc uses numba's extension API: @overload and @overload_method
// return a nested implementation numba compiles, @register_jitable
// helpers and @jitclass methods are compiled where compiled code calls
// them, an @intrinsic's code generator compiles impl with compile_internal,
// slow is compiled by njit(slow), and make_smaller is a factory, as
// numba's sorts are, that decorates what it defines with the compiler it
// is passed, and compiles neg, passed to it as key=neg. plain, add_one and
// codegen are Python throughout.
const extensionSrc = `import numba
import numpy as np
from numba import njit, types
from numba.experimental import jitclass
from numba.extending import intrinsic, overload, overload_method, register_jitable


def myfunc(x):
    pass


@overload(myfunc)
def ol_myfunc(x):
    def impl(x):
        y = x + 1
        return y * 2
    return impl


@overload_method(types.Array, "twice")
def ol_twice(arr):
    def impl(arr):
        out = arr * 2
        return out
    return impl


@register_jitable
def helper(a):
    total = 0
    for i in range(a):
        total += i
    return total


@jitclass([("n", types.int64)])
class Counter:
    def __init__(self, n):
        self.n = n

    def bump(self):
        k = self.n + 1
        self.n = k
        return k


@intrinsic
def add_one(typingctx, x):
    def codegen(context, builder, signature, args):
        def impl(v):
            w = v + 1
            return w
        return context.compile_internal(builder, impl, signature, args)
    return x(x), codegen


def slow(n):
    acc = 0
    for i in range(n):
        acc += i * i
    return acc


fast = njit(slow)
eager = numba.jit(nopython=True)(slow)


def make_smaller(wrap, key=None):
    @wrap
    def lt(a, b):
        c = a < b
        return c

    def default_key(a):
        return a

    key = wrap(key if key is not None else default_key)

    @wrap
    def smaller(a, b):
        return a if lt(key(a), key(b)) else b
    return smaller


def neg(a):
    m = -a
    return m


smaller = make_smaller(register_jitable, key=neg)


@njit
def use(x):
    c = Counter(x)
    return myfunc(x) + helper(x) + c.bump() + np.arange(x).twice().sum() + add_one(x) + fast(x) + smaller(x, 1)


def plain(x):
    r = use(x)
    return r


print(plain(3), eager(3))
`

// TestNumbaExtensionAPIRunsInstrumented: what numba's extension API hands
// to the compiler is left alone (numba rejected the with block in an
// @overload's implementation, a @register_jitable helper, a function
// compiled by njit(f) or by compile_internal, and the functions of
// numba's sort factories at --density high, with a TypingError at the
// first call), and the module still runs under the real numba with the
// Python functions instrumented.
func TestNumbaExtensionAPIRunsInstrumented(t *testing.T) {
	l := newTestLanguage(t, Options{NoCompile: true})
	cs, err := l.Find(&source.File{Path: "ext.py", Lang: source.Python, Src: []byte(extensionSrc)})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		// myfunc is Python, but handed to a call (overload(myfunc)) in a
		// file that uses a JIT, as neg is.
		python := c.QualName == "ext.plain" || c.Enclosing == "ext.plain" ||
			c.QualName == "ext.add_one" || c.QualName == "ext.add_one.codegen"
		if python != (c.Skip == "") {
			t.Errorf("%s %s (in %s): skip %q", c.Kind, c.QualName, c.Enclosing, c.Skip)
		}
	}
	py := ""
	for _, cand := range []string{needPython(t), "/usr/bin/python3"} {
		if exec.CommandContext(t.Context(), cand, "-c", "import numba.experimental").Run() == nil {
			py = cand
			break
		}
	}
	if py == "" {
		t.Skip("numba is not installed (Debian python3-numba)")
	}
	out, _, err := instrument(newTestLanguage(t, Options{}), "ext.py", []byte(extensionSrc), "_telemetry_utils")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), `__ti_span__("ext.plain"`) {
		t.Fatalf("plain is not instrumented: the test shows nothing\n%s", out)
	}
	dir := t.TempDir()
	writeProgram(t, dir, "ext.py", out)
	cmd := exec.CommandContext(t.Context(), py, "ext.py")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1", "TELEMETRY_INJECT_FILE="+filepath.Join(dir, "spans.jsonl"))
	if b, err := cmd.CombinedOutput(); err != nil || string(b) != "33 5\n" {
		t.Errorf("instrumented module under numba: %v\n%s\n%s", err, b, out)
	}
}
