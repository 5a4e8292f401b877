package golang

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/telemetry-inject/telemetry-inject/internal/lang"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// otelVersion is the OpenTelemetry Go release the test module requires,
// downloaded from the Go module proxy at test time (the sdk and trace
// modules are released with it).
const otelVersion = "v1.47.0"

// TestOtelJoinsTheProgramsTraces instruments a program that traces with
// OpenTelemetry into an in-memory exporter: in its module, which requires
// go.opentelemetry.io/otel, the runtime is the OpenTelemetry variant, the
// output passes go vet, and the injected spans go out through the
// program's own exporter, in its trace: handle under the program's request
// span, helper (no context) and validate (handed the request's context,
// which handle's span already nests in) under handle, the db span the
// program starts from handle's context under handle (whose context
// parameter the runtime rebinds to carry handle's span), and query (an
// error) under db.
func TestOtelJoinsTheProgramsTraces(t *testing.T) {
	p := instrumentOtelProgram(t, "testdata/otel/main.go.in", "otel", "otel/sdk", "otel/trace")
	exe, dir, l, f, out := p.exe, p.dir, p.l, p.f, p.out
	if !requiresOtel(dir) {
		t.Fatal("requiresOtel: the module requires go.opentelemetry.io/otel")
	}
	if err := l.Validate(bg, f, out); err != nil {
		t.Fatalf("the type checker rejects the output with the OpenTelemetry runtime: %v", err)
	}
	if err := l.Validate(bg, f, bytes.Replace(out, []byte("import _telemetry_utils "), []byte("import _telemetry_utilz "), 1)); err == nil {
		t.Fatal("the type checker accepts the output without the import of the runtime package")
	}
	if rt := p.write(t); !strings.Contains(rt, `"go.opentelemetry.io/otel"`) {
		t.Fatal("the runtime placed in an OpenTelemetry module is not the OpenTelemetry variant")
	}
	modGo(t, exe, dir, "vet", ".", "./_telemetry_utils")
	got := modGo(t, exe, dir, "run", ".")
	t.Log(got)
	spans := map[string][]string{}
	for _, m := range regexp.MustCompile(`span (\S+) parent=(\S*) trace=(\S+) status=(\S+) events=(\d+)`).FindAllStringSubmatch(got, -1) {
		spans[m[1]] = m[2:]
	}
	trace := spans["request"][1]
	for name, want := range map[string]string{"main.handle": "request", "main.validate": "main.handle", "main.helper": "main.handle", "db": "main.handle", "main.query": "db",
		"main.reassign": "main.handle", "reassigned": "main.reassign", "main.shadow": "main.handle", "shadowed": "main.shadow"} {
		s, ok := spans[name]
		if !ok || s[0] != want || s[1] != trace {
			t.Errorf("span %s: %v, want parent %s in trace %s", name, s, want, trace)
		}
	}
	// Called from main with a context they do not name: they nest under
	// main.main's span (a trace of its own, whose spans end after the
	// program prints), never under the request's.
	for _, name := range []string{"main.blank", "main.unnamed"} {
		if s, ok := spans[name]; !ok || s[0] != "" || s[1] == trace {
			t.Errorf("span %s: %v, want one outside the request's trace", name, s)
		}
	}
	if q := spans["main.query"]; len(q) < 4 || q[2] != "Error" || q[3] != "1" {
		t.Errorf("main.query returned an error: %v, want status Error with its exception event", q)
	}
	for _, line := range []string{"handled: 8 too few rows", "user: ada deadline: true err: <nil> done: true", "reassigned user: grace", "blank: 2 unnamed: 2"} {
		if !strings.Contains(got, line+"\n") {
			t.Errorf("the program's own output changed: no line %q in\n%s", line, got)
		}
	}
}

// otelProgram is a program instrumented in a module of its own.
type otelProgram struct {
	exe, dir string // the go tool, the module's folder
	l        lang.Language
	f        *source.File
	out      []byte // the instrumented main.go
}

// instrumentOtelProgram writes the program in testdata file program as
// main.go of a module requiring the go.opentelemetry.io modules named (at
// otelVersion), tidies it, and instruments it with the offline planner's
// decisions. It skips the test without a go toolchain.
func instrumentOtelProgram(t *testing.T, program string, modules ...string) otelProgram {
	t.Helper()
	exe, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go toolchain on PATH")
	}
	src, err := os.ReadFile(program)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	mod := "module oteltest\n\ngo 1.23\n\nrequire (\n"
	for _, m := range modules {
		mod += "\tgo.opentelemetry.io/" + m + " " + otelVersion + "\n"
	}
	writeFile(t, filepath.Join(dir, "go.mod"), []byte(mod+")\n"))
	writeFile(t, filepath.Join(dir, "main.go"), src)
	modGo(t, exe, dir, "mod", "tidy")
	l := New(Options{})
	t.Cleanup(func() { _ = l.Close() })
	f := testFile("main.go", src)
	f.Abs = filepath.Join(dir, "main.go")
	out, _, err := instrument(l, f, testDecision)
	if err != nil {
		t.Fatal(err)
	}
	return otelProgram{exe: exe, dir: dir, l: l, f: f, out: out}
}

// write replaces main.go with the instrumented program and writes the
// runtime placed for it, whose content it returns.
func (p otelProgram) write(t *testing.T) string {
	t.Helper()
	rt := p.l.Place(nil, []*source.File{p.f}, nil)[p.f.Path]
	writeFile(t, filepath.Join(p.dir, "main.go"), p.out)
	writeFile(t, filepath.Join(p.dir, rt.RuntimePath), []byte(rt.Content))
	return rt.Content
}

// modGo runs the go command in dir with the module proxy the environment
// has (the test module's dependencies come from it) and returns its output.
func modGo(t *testing.T, exe, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command(exe, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off", "GOTOOLCHAIN=local", "TELEMETRY_INJECT_FILE=", "OTEL_EXPORTER_OTLP_ENDPOINT=")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// TestModRequires reads require lines and blocks, and only a v1 otel.
func TestModRequires(t *testing.T) {
	for mod, want := range map[string]bool{
		"module m\n\nrequire go.opentelemetry.io/otel v1.2.0\n":                      true,
		"module m\n\nrequire (\n\tgo.opentelemetry.io/otel v1.47.0 // indirect\n)\n": true,
		"module m\n\nrequire (\n\tgo.opentelemetry.io/otel/trace v1.47.0\n)\n":       false,
		"module m\n\nrequire go.opentelemetry.io/otel v0.20.0\n":                     false,
		"module m\n\n// require go.opentelemetry.io/otel v1.2.0\n":                   false,
		"module m\n\nreplace go.opentelemetry.io/otel v1.2.0 => ../otel\n":           false,
	} {
		if got := modRequires([]byte(mod), otelModule); got != want {
			t.Errorf("%q: %v, want %v", mod, got, want)
		}
	}
}

// TestOtelProjectGetsThePlainRuntime: a module of the OpenTelemetry
// project that requires otel (go.opentelemetry.io/otel/trace does) gets
// the standard-library runtime, since the OpenTelemetry variant imports
// that very module (an import cycle); a program's module gets the variant.
func TestOtelProjectGetsThePlainRuntime(t *testing.T) {
	for mod, want := range map[string]bool{
		"go.opentelemetry.io/otel/trace": false,
		"go.opentelemetry.io/otel/sdk":   false,
		"example.com/shop":               true,
	} {
		dir := t.TempDir()
		writeFile(t, filepath.Join(dir, "go.mod"), []byte("module "+mod+"\n\ngo 1.23\n\nrequire go.opentelemetry.io/otel "+otelVersion+"\n"))
		if got := requiresOtel(filepath.Join(dir, "pkg")); got != want {
			t.Errorf("module %s requiring otel: requiresOtel %v, want %v", mod, got, want)
		}
	}
}

// TestOtelLeavesTheSDKsCallbacksAlone instruments a program whose own
// exporter the SDK calls synchronously from a span's End (holding its
// processor's lock) and whose own sampler it calls inside Start: spans of
// those, started through the SDK, would deadlock on that lock or export
// spans of the export for ever. The program must end, print what it
// printed, and export its own span and the one of work only (main.main's ends after
// the provider is shut down).
func TestOtelLeavesTheSDKsCallbacksAlone(t *testing.T) {
	p := instrumentOtelProgram(t, "testdata/otel/exporter.go.in", "otel", "otel/sdk")
	exe, dir, out := p.exe, p.dir, p.out
	for _, fn := range []string{"main.collector.ExportSpans", "main.keep.ShouldSample", "main.work"} {
		if !bytes.Contains(out, []byte(`"`+fn+`"`)) {
			t.Fatalf("%s is not instrumented:\n%s", fn, out)
		}
	}
	p.write(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe, "run", ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off", "GOTOOLCHAIN=local", "TELEMETRY_INJECT_FILE=", "OTEL_EXPORTER_OTLP_ENDPOINT=")
	got, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the instrumented program failed or hung: %v\n%s", err, tailLines(got, 20))
	}
	if want := "work: 6\nexported: [main.work request]\n"; !strings.HasSuffix(string(got), want) {
		t.Errorf("output %q, want it to end with %q", got, want)
	}
}

// tailLines is the last n lines of b.
func tailLines(b []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
