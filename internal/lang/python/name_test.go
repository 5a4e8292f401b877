package python

import (
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/lang/langtest"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

func TestRenderRefusesInvalidNames(t *testing.T) {
	f := &source.File{Path: "m.py", Lang: source.Python, Src: []byte("def f(a):\n    x = a\n    for i in a:\n        pass\n    return x\n")}
	langtest.RenderRefusesInvalidNames(t, newTestLanguage(t, Options{NoCompile: true}), f, testDecision,
		`x", __import__("os").system("id"), "`, `x'`)
}
