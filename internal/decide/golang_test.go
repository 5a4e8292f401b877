package decide

import (
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// TestProtocolMethodGo leaves out the methods fmt, sort and encoding call
// implicitly, and only for Go.
func TestProtocolMethodGo(t *testing.T) {
	for name, want := range map[string]bool{"String": true, "Error": true, "Less": true, "MarshalJSON": true, "Reserve": false, "toString": false} {
		got := ProtocolMethod(&source.Construct{Lang: source.Go, Name: name}) != ""
		if got != want {
			t.Errorf("%s: protocol method %v, want %v", name, got, want)
		}
	}
	if ProtocolMethod(&source.Construct{Lang: source.JavaScript, Name: "String"}) != "" {
		t.Error("String is a protocol method in JavaScript too")
	}
}
