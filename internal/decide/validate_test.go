package decide

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

func fn() *source.Construct {
	return &source.Construct{
		Kind: source.Function, Name: "save", QualName: "app.models.User.save",
		Params: []string{"self", "user_id", "path", "password", "a", "b", "c", "d", "e", "f", "g", "h"},
		Scope:  []string{"self", "user_id", "path", "password", "local_var"},
	}
}

func TestValidate(t *testing.T) {
	loop := &source.Construct{Kind: source.Loop, Name: "item", QualName: "app.run"}
	variable := &source.Construct{Kind: source.Variable, Name: "total", QualName: "app.run", Targets: []string{"total"}}
	secretVar := &source.Construct{Kind: source.Variable, Name: "api_token", QualName: "app.run", Targets: []string{"api_token"}}
	tupleVar := &source.Construct{Kind: source.Variable, Name: "user", QualName: "app.run", Targets: []string{"user", "password"}}

	tests := []struct {
		name    string
		c       *source.Construct
		d       source.Decision
		want    source.Decision
		wantErr string
	}{
		{"function ok, duplicates dropped, other kinds' fields cleared", fn(),
			source.Decision{Name: "app.models.User.save", Attributes: []string{"user_id", "path", "user_id"}, RecordExceptions: true, CountIterations: true, RecordValue: true, Sensitive: true},
			source.Decision{Name: "app.models.User.save", Attributes: []string{"user_id", "path"}, RecordExceptions: true, RecordValue: true}, ""},
		{"function values need attributes", fn(), source.Decision{Name: "n", RecordValue: true},
			source.Decision{Name: "n", Attributes: []string{}}, ""},
		{"attributes capped", fn(),
			source.Decision{Name: "n", Attributes: []string{"a", "b", "c", "d", "e", "f", "g", "h", "path", "user_id"}},
			source.Decision{Name: "n", Attributes: []string{"a", "b", "c", "d", "e", "f", "g", "h"}}, ""},
		{"nil attributes become empty", fn(), source.Decision{Name: "n"}, source.Decision{Name: "n", Attributes: []string{}}, ""},
		{"unknown identifier", fn(), source.Decision{Name: "n", Attributes: []string{"nope"}}, source.Decision{}, `attribute "nope" is not a parameter`},
		{"local is not a parameter", fn(), source.Decision{Name: "n", Attributes: []string{"local_var"}}, source.Decision{}, `"local_var" is not a parameter`},
		{"receiver", fn(), source.Decision{Name: "n", Attributes: []string{"user_id", "self"}}, source.Decision{}, `"self" is the receiver`},
		{"sensitive attribute", fn(), source.Decision{Name: "n", Attributes: []string{"password"}}, source.Decision{}, "sensitive"},
		{"empty name", fn(), source.Decision{Name: ""}, source.Decision{}, "does not match"},
		{"name with a quote", fn(), source.Decision{Name: `a"); evil("`}, source.Decision{}, "does not match"},
		{"name with a comment closer", fn(), source.Decision{Name: "a*/b"}, source.Decision{}, "does not match"},
		{"name with a space", fn(), source.Decision{Name: "a b"}, source.Decision{}, "does not match"},
		{"name starting with a digit", fn(), source.Decision{Name: "1abc"}, source.Decision{}, "does not match"},
		{"name too long", fn(), source.Decision{Name: strings.Repeat("a", 129)}, source.Decision{}, "does not match"},
		{"name of 128 bytes", fn(), source.Decision{Name: strings.Repeat("a", 128)}, source.Decision{Name: strings.Repeat("a", 128), Attributes: []string{}}, ""},
		{"non-ASCII name", fn(), source.Decision{Name: "café"}, source.Decision{}, "does not match"},
		{"newline in name", fn(), source.Decision{Name: "a\nb"}, source.Decision{}, "does not match"},
		{"skip keeps only the reason", fn(), source.Decision{Skip: true, Reason: "  trivial\n\tgetter ", Name: "bad name", Attributes: []string{"nope"}},
			source.Decision{Skip: true, Reason: "trivial getter", Attributes: []string{}}, ""},
		{"loop", loop, source.Decision{Name: "app.run.loop", CountIterations: true, Attributes: []string{"x"}, RecordExceptions: true},
			source.Decision{Name: "app.run.loop", CountIterations: true, Attributes: []string{}}, ""},
		{"variable", variable, source.Decision{Name: "app.run.total", RecordValue: true},
			source.Decision{Name: "app.run.total", RecordValue: true, Attributes: []string{}}, ""},
		{"sensitive variable is never recorded", secretVar, source.Decision{Name: "app.run.api_token", RecordValue: true},
			source.Decision{Name: "app.run.api_token", Sensitive: true, Attributes: []string{}}, ""},
		{"sensitive target among several", tupleVar, source.Decision{Name: "k", RecordValue: true},
			source.Decision{Name: "k", Sensitive: true, Attributes: []string{}}, ""},
		{"marked sensitive by the model", variable, source.Decision{Name: "k", RecordValue: true, Sensitive: true},
			source.Decision{Name: "k", Sensitive: true, Attributes: []string{}}, ""},
		{"unknown kind", &source.Construct{Kind: "class"}, source.Decision{Name: "k"}, source.Decision{}, "unknown construct kind"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Validate(tt.c, tt.d)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.Is(err, ErrInvalid) {
					t.Fatalf("err = %v, want one containing %q and wrapping ErrInvalid", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
			// Validation is idempotent.
			again, err := Validate(tt.c, got)
			if err != nil || !reflect.DeepEqual(again, got) {
				t.Errorf("second Validate = %+v, %v", again, err)
			}
		})
	}
}

func TestSanitizeName(t *testing.T) {
	tests := []struct{ in, fallback, want string }{
		{"pkg.mod.Class.method", "", "pkg.mod.Class.method"},
		{"mod.Class.__init__", "", "mod.Class.__init__"},
		{"src/app.<anonymous>", "", "src.app._anonymous_"},
		{"express/lib/router.handle", "", "express.lib.router.handle"},
		{"@acme/api/lib/router.route", "", "acme.api.lib.router.route"},
		{"shop.GET /users", "", "shop.GET_users"},
		{"/abs/path.f", "", "abs.path.f"},
		{"1st", "", "_1st"},
		{"  ", "x", "x"},
		{"", "", "unnamed"},
		{"été", "", "_t_"},
		{"$el.#priv", "", "_el._priv"},
		{".hidden", "", "_.hidden"},
		{strings.Repeat("a.", 100) + "end", "", "_" + strings.Repeat("a.", 62) + "end"},
		{strings.Repeat("9", 200), "", "_" + strings.Repeat("9", 127)},
	}
	for _, tt := range tests {
		got := SanitizeName(tt.in, tt.fallback)
		if got != tt.want {
			t.Errorf("SanitizeName(%q, %q) = %q, want %q", tt.in, tt.fallback, got, tt.want)
		}
		if !source.ValidName(got) {
			t.Errorf("SanitizeName(%q) = %q is not a valid name", tt.in, got)
		}
	}
}
