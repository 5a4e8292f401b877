package golang

import (
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/lang/langtest"
)

func TestRenderRefusesInvalidNames(t *testing.T) {
	f := testFile("m.go", []byte("package p\n\nfunc f(a []int) int {\n\tx := 0\n\tfor range a {\n\t\tx++\n\t}\n\treturn x\n}\n"))
	langtest.RenderRefusesInvalidNames(t, newLang(t), f, testDecision, "x` + os.Getenv(`HOME`) + `", `x", "`)
}
