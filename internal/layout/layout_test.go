package layout

import "testing"

func TestRelSpec(t *testing.T) {
	cases := []struct{ dir, target, want string }{
		{".", "_telemetry_utils.js", "./_telemetry_utils.js"},
		{"a", "_telemetry_utils.js", "../_telemetry_utils.js"},
		{"a/b", "a/_telemetry_utils.js", "../_telemetry_utils.js"},
		{"a/b", "a/b/_telemetry_utils.js", "./_telemetry_utils.js"},
		{"a/b", "c/_telemetry_utils.js", "../../c/_telemetry_utils.js"},
	}
	for _, c := range cases {
		if got := RelSpec(c.dir, c.target); got != c.want {
			t.Errorf("RelSpec(%q, %q) = %q, want %q", c.dir, c.target, got, c.want)
		}
	}
}

func TestCommonDir(t *testing.T) {
	for _, c := range []struct{ a, b, want string }{
		{"src/a", "src/b", "src"},
		{"src/a/x", "src/a", "src/a"},
		{"lib", "src", "."},
		{".", "src", "."},
	} {
		if got := CommonDir(c.a, c.b); got != c.want {
			t.Errorf("CommonDir(%q, %q) = %q, want %q", c.a, c.b, got, c.want)
		}
	}
}
