package prompt

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// TestBuildGroupGolden: a function, its loop and its variable in one
// request; each section keeps its own untrusted-code fence, and the
// system prompt is the single requests' own when not padded.
func TestBuildGroupGolden(t *testing.T) {
	py := &source.File{Path: "app/store.py", Lang: source.Python, Src: []byte(pySrc)}
	pyFunc := pySrc[strings.Index(pySrc, "def save") : strings.Index(pySrc, "        return data\n")+len("        return data")]
	cons := []*source.Construct{
		construct(t, py, pyFunc, source.Construct{Kind: source.Function, Name: "save", QualName: "app.store.Store.save", Docstring: true,
			Params: []string{"self", "user_id", "path", "password", "args"}, Scope: []string{"self", "user_id", "path", "password", "args", "data", "attempt", "total"}}),
		construct(t, py, "for attempt in range(3):\n            total = attempt * 2", source.Construct{Kind: source.Loop, Name: "attempt",
			QualName: "app.store.Store.save", Enclosing: "app.store.Store.save", Scope: []string{"user_id", "path", "data", "attempt", "total"}}),
		construct(t, py, "total = attempt * 2", source.Construct{Kind: source.Variable, Name: "total", Targets: []string{"total"},
			QualName: "app.store.Store.save", Enclosing: "app.store.Store.save", Scope: []string{"user_id", "path", "data", "attempt", "total"}}),
	}
	req := BuildGroup(py, cons, Options{})
	if req.System != System() || req.Version != GroupVersion || req.SchemaName != GroupSchemaName || req.ConstructID != cons[0].ID {
		t.Errorf("fixed fields wrong: %+v", req)
	}
	if n := strings.Count(req.User, GroupMarker); n != 3 {
		t.Errorf("%d sections, want 3", n)
	}
	// The loop and the variable lie inside the function shown whole just
	// above: each is given by its first line, fenced, not by its code and
	// the function's header again.
	for i, c := range cons[1:] {
		sec := req.User[strings.Index(req.User, GroupMarker+GroupID(i+1)+" ="):]
		if !strings.Contains(sec, " construct "+GroupID(0)+")") || strings.Contains(sec, "Header of the enclosing function") {
			t.Errorf("the section of %s repeats code the function's section shows:\n%s", c.Kind, sec)
		}
	}
	if strings.Contains(req.User, "Identifiers in scope") || strings.Count(req.User, "File:") > 0 || !strings.Contains(req.User, "python file app/store.py") {
		t.Error("a section repeats what the decision does not need or what the request says once")
	}
	if single := Build(py, cons[0]); req.EstimatedTokens-req.MaxTokens >= 2*(single.EstimatedTokens-single.MaxTokens) {
		t.Errorf("three constructs grouped estimate %d input tokens, one alone %d", req.EstimatedTokens-req.MaxTokens, single.EstimatedTokens-single.MaxTokens)
	}
	got := fmt.Sprintf("MaxTokens: %d\nEstimatedTokens: %d\n=== user message ===\n%s", req.MaxTokens, req.EstimatedTokens, req.User)
	golden := filepath.Join("testdata", "python_group.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("request differs from %s (run with -update after checking):\n%s", golden, got)
	}
}

func TestGroupSchemaIsStrictAndStable(t *testing.T) {
	a, b := GroupSchema(), GroupSchema()
	if string(a) != string(b) {
		t.Fatal("the grouped schema is not the same bytes every time; prompt caching needs it to be")
	}
	var s struct {
		Type                 string
		Required             []string
		AdditionalProperties bool `json:"additionalProperties"`
		Properties           struct {
			Decisions struct {
				Items struct {
					Required             []string
					AdditionalProperties *bool `json:"additionalProperties"`
				}
			}
		}
	}
	if err := json.Unmarshal(a, &s); err != nil {
		t.Fatal(err)
	}
	items := s.Properties.Decisions.Items
	if s.Type != "object" || len(s.Required) != 1 || s.AdditionalProperties || items.Required[0] != "id" || len(items.Required) != 9 ||
		items.AdditionalProperties == nil || *items.AdditionalProperties {
		t.Errorf("grouped schema is not strict-mode shaped: %s", a)
	}
}

func TestParseGroup(t *testing.T) {
	got, err := ParseGroup([]byte(`{"decisions": [
		{"id": "a", "name": "x", "skip": false},
		{"id": "b", "name": "y"},
		{"id": "b", "name": "z"},
		{"name": "no id"},
		{"id": "c", "name": "w"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || string(got["a"]) != `{"name":"x","skip":false}` || string(got["c"]) != `{"name":"w"}` {
		t.Errorf("got %q: want a and c, b dropped for answering twice, the id-less one ignored", got)
	}
	for _, bad := range []string{`[]`, `{"decision": []}`, `not json`} {
		if _, err := ParseGroup([]byte(bad)); err == nil {
			t.Errorf("ParseGroup(%s) succeeded", bad)
		}
	}
}
