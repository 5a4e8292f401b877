package decide

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

func TestParse(t *testing.T) {
	full := `{"skip": false, "reason": "", "name": "app.save", "attributes": ["user_id"], "record_exceptions": true, "count_iterations": false, "record_value": false, "sensitive": false}`
	want := source.Decision{Name: "app.save", Attributes: []string{"user_id"}, RecordExceptions: true}
	tests := []struct {
		name    string
		raw     string
		wantErr string
	}{
		{"strict-mode answer", full, ""},
		{"fenced", "```json\n" + full + "\n```", ""},
		{"bare fence", "```\n" + full + "\n```", ""},
		{"surrounding whitespace", "\n  " + full + "  \n", ""},
		{"missing keys default", `{"name": "app.save", "attributes": ["user_id"], "record_exceptions": true}`, ""},
		{"unknown field", `{"name": "app.save", "attributes": [], "code": "rm -rf /"}`, `unknown field "code"`},
		{"key in the wrong case", `{"Name": "app.save"}`, `unknown field "Name"`},
		{"string for a boolean", `{"name": "app.save", "record_exceptions": "yes"}`, `"record_exceptions" must be a JSON boolean`},
		{"string for the attribute list", `{"name": "app.save", "attributes": "user_id"}`, `"attributes" must be a JSON array`},
		{"number in the attribute list", `{"name": "app.save", "attributes": [1]}`, `"attributes"`},
		{"number for the name", `{"name": 7}`, `"name"`},
		{"array, not object", `[{"name": "app.save"}]`, "not one JSON object"},
		{"null", `null`, "null"},
		{"empty", "  ", "empty answer"},
		{"prose around the object", `Sure! {"name": "app.save"}`, "not one JSON object"},
		{"two objects", full + full, "trailing data"},
		{"trailing text", full + " thanks", "trailing data"},
		{"truncated", full[:40], "not one JSON object"},
		{"fails validation", `{"name": "app.save", "attributes": ["password"]}`, "sensitive"},
		{"other fence language", "```python\n" + full + "\n```", "not one JSON object"},
	}
	c := fn()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(c, []byte(tt.raw))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.Is(err, ErrInvalid) {
					t.Fatalf("err = %v, want one containing %q and wrapping ErrInvalid", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got %+v, want %+v", got, want)
			}
		})
	}
}

// FuzzParse checks that no answer makes Parse panic and that whatever it
// accepts is safe to render: a valid name, only non-sensitive parameters,
// no sensitive value recorded.
func FuzzParse(f *testing.F) {
	f.Add(`{"skip": false, "reason": "", "name": "app.save", "attributes": ["user_id"], "record_exceptions": true, "count_iterations": false, "record_value": false, "sensitive": false}`, 0)
	f.Add(`{"name": "v", "record_value": true}`, 2)
	f.Add("```json\n{\"skip\": true, \"reason\": \"x\"}\n```", 1)
	f.Add(`{"name": "a\u0000b", "attributes": ["password", "self"]}`, 0)
	f.Fuzz(func(t *testing.T, raw string, kind int) {
		c := fn()
		c.Kind = source.Kinds[uint(kind)%uint(len(source.Kinds))]
		c.Name, c.Targets = "password", []string{"password"}
		d, err := Parse(c, []byte(raw))
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error %v does not wrap ErrInvalid", err)
			}
			return
		}
		if d.Skip {
			return
		}
		if !source.ValidName(d.Name) {
			t.Fatalf("accepted name %q", d.Name)
		}
		for _, a := range d.Attributes {
			if SensitiveName(a) || a == "self" {
				t.Fatalf("accepted attribute %q", a)
			}
		}
		if c.Kind == source.Variable && d.RecordValue {
			t.Fatal("records a sensitive variable")
		}
	})
}
