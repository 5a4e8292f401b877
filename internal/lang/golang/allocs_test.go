package golang

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/utilfiles"
)

// allocsSource builds a key the way golang.org/x/exp/slog's handler does:
// the concatenation stays on Key's stack as long as AppendKey keeps no
// byte of its key parameter.
const allocsSource = `package allocs

// AppendKey appends key, quoted.
func AppendKey(dst []byte, key string) []byte {
	dst = append(dst, '"')
	dst = append(dst, key...)
	return append(dst, '"')
}

// Key appends prefix and key joined.
func Key(dst []byte, prefix []byte, key string) []byte {
	full := string(prefix) + key
	return AppendKey(dst, full)
}

// Quote appends key quoted through a local closure, as slog's JSON string
// escaper does: the closure is called directly unless its address is taken.
func Quote(buf []byte, prefix []byte, key string) []byte {
	str := func(s string) { buf = append(buf, s...) }
	str("'")
	str(string(prefix) + key)
	str("'")
	return buf
}
`

const allocsTest = `package allocs

import "testing"

func TestZeroAllocs(t *testing.T) {
	buf := make([]byte, 0, 64)
	prefix := []byte("group.")
	if n := testing.AllocsPerRun(100, func() { buf = Key(buf[:0], prefix, "name") }); n != 0 {
		t.Fatalf("Key allocates %v times a call, want 0", n)
	}
	if string(buf) != "\"group.name\"" {
		t.Fatalf("Key = %q", buf)
	}
	if n := testing.AllocsPerRun(100, func() { buf = Quote(buf[:0], prefix, "name") }); n != 0 {
		t.Fatalf("Quote allocates %v times a call, want 0", n)
	}
}
`

// TestZeroAllocations checks that an instrumented function whose
// parameters and variables the runtime is given by address allocates no
// more than the original with telemetry off: the runtime must keep no byte
// of them, or the compiler moves them to the heap at every call
// (golang.org/x/exp/slog's TestAlloc and TestTextHandlerAlloc failed), and
// a variable bound to a closure must not be, or the closure is no longer
// called directly and its argument moves to the heap.
func TestZeroAllocations(t *testing.T) {
	l := newLang(t)
	out, _, err := instrument(l, testFile("allocs.go", []byte(allocsSource)), testDecision)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), `"key", &key`) || !strings.Contains(string(out), `&full)`) || !strings.Contains(string(out), `"allocs.Quote"`) {
		t.Fatalf("the parameter and the variable should be given by address:\n%s", out)
	}
	for _, c := range []struct {
		name string
		src  []byte
	}{{"original", []byte(allocsSource)}, {"instrumented", out}} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, filepath.Join(dir, "go.mod"), []byte("module allocs\n\ngo 1.11\n"))
			writeFile(t, filepath.Join(dir, "allocs.go"), c.src)
			writeFile(t, filepath.Join(dir, "allocs_test.go"), []byte(allocsTest))
			writeFile(t, filepath.Join(dir, utilfiles.GoFileName), utilfiles.Go("allocs"))
			goTool(t, dir, "test", "-count=1", ".")
		})
	}
}
