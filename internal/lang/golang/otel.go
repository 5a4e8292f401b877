package golang

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strings"

	"github.com/telemetry-inject/telemetry-inject/internal/utilfiles"
	"github.com/telemetry-inject/telemetry-inject/internal/utilfiles/goruntime"
)

// otelModule is the module whose go.mod requiring it makes the runtime
// join the program's OpenTelemetry traces.
const otelModule = "go.opentelemetry.io/otel"

// runtimeFor returns the runtime for m: the shared package, or the copy
// for package pkg; with m.otel, its OpenTelemetry variant, whose imports
// join the runtime's import block and whose declarations follow the
// runtime's.
func runtimeFor(m goModule, pkg string) []byte {
	base := utilfiles.Go(pkg)
	if m.shared {
		base = utilfiles.GoPackage()
	}
	if !m.otel {
		return base
	}
	part := goruntime.OtelPart
	open, end := strings.Index(part, "import (\n"), strings.Index(part, "\n)\n")
	at := bytes.Index(base, []byte("\nimport (\n"))
	if open != 0 || end < 0 || at < 0 {
		panic("golang: the runtime or its OpenTelemetry part has no import block")
	}
	at += len("\nimport (\n")
	var b bytes.Buffer
	b.Write(base[:at])
	b.WriteString(part[len("import (\n") : end+1])
	b.Write(base[at:])
	b.WriteString("\n" + part[end+len("\n)\n"):])
	return b.Bytes()
}

// otelProject is the path prefix of the OpenTelemetry Go project's own
// modules (the API, trace, metric, the SDK, exporters, contrib).
const otelProject = "go.opentelemetry.io/"

// requiresOtel reports whether the go.mod of the module that holds dir
// requires go.opentelemetry.io/otel at a v1 version: the program then has
// the API, its own spans to nest under and its own exporter, and a
// runtime that imports it builds there. Not so in the OpenTelemetry
// project's own modules, which get the standard-library runtime: the
// OpenTelemetry variant imports go.opentelemetry.io/otel and /trace, which
// import /trace, /metric and /auto/sdk, so instrumenting those modules
// with it is an import cycle (go build fails: go.opentelemetry.io/otel/trace
// v1.47.0, whose go.mod requires otel), and in the SDK its spans would
// start through the very code they instrument.
func requiresOtel(dir string) bool {
	for d := dir; ; d = filepath.Dir(d) {
		mod, err := os.ReadFile(filepath.Join(d, "go.mod"))
		if err == nil {
			return !strings.HasPrefix(modulePath(mod), otelProject) && modRequires(mod, otelModule)
		}
		if filepath.Dir(d) == d {
			return false
		}
	}
}

// modRequires reports whether a go.mod requires module at a v1 version,
// in a require block or on a require line of its own.
func modRequires(gomod []byte, module string) bool {
	sc := bufio.NewScanner(bytes.NewReader(gomod))
	block := false
	for sc.Scan() {
		line := sc.Text()
		if i := strings.Index(line, "//"); i >= 0 {
			line = line[:i]
		}
		f := strings.Fields(line)
		switch {
		case len(f) == 0:
			continue
		case f[0] == "require" && len(f) == 2 && f[1] == "(":
			block = true
			continue
		case f[0] == ")":
			block = false
			continue
		case f[0] == "require":
			f = f[1:]
		case !block:
			continue
		}
		if len(f) >= 2 && f[0] == module && strings.HasPrefix(f[1], "v1.") {
			return true
		}
	}
	return false
}
