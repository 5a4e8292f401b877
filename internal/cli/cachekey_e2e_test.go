package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/llm/llmtest"
)

// TestEditAboveReasksOnlyWhatChanged: cache keys hold no absolute
// position, so a line added at the top of a file asks nothing again, and a
// changed function asks again about that function alone.
func TestEditAboveReasksOnlyWhatChanged(t *testing.T) {
	srv := llmtest.NewOpenAI(t, llmtest.Echo())
	project := copyTree(t, "../../examples/shop")
	env := map[string]string{"OPENAI_API_KEY": "sk-x", "OPENAI_BASE_URL": srv.URL(), "LLM_MODEL": "gpt-4o-mini"}
	if code, _, stderr := runCLI(t, env, project); code != ExitOK {
		t.Fatalf("first run exit %d:\n%s", code, stderr)
	}
	first := srv.Count()
	if first == 0 {
		t.Fatal("the first run asked nothing")
	}
	name := filepath.Join(project, "pyshop/inventory.py")
	edit := func(f func(string) string) {
		t.Helper()
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, []byte(f(string(b))), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	edit(func(s string) string { return "# Copyright notice added by a later commit.\n" + s })
	if code, _, stderr := runCLI(t, env, project); code != ExitOK {
		t.Fatalf("run after adding a line at the top: exit %d:\n%s", code, stderr)
	}
	if got := srv.Count() - first; got != 0 {
		t.Fatalf("a line added at the top asked %d questions again, want 0", got)
	}

	edit(func(s string) string { return strings.Replace(s, "threshold=2", "threshold=3", 1) })
	if code, _, stderr := runCLI(t, env, project); code != ExitOK {
		t.Fatalf("run after changing low_stock: exit %d:\n%s", code, stderr)
	}
	var asked []string
	for _, r := range srv.Requests()[first:] {
		asked = append(asked, llmtest.NameFor(r.User))
	}
	// low_stock itself, and its loop, whose prompt carries the function's
	// header; nothing else.
	for _, n := range asked {
		if !strings.Contains(n, "low_stock") {
			t.Errorf("asked again about %s, which did not change (asked: %v)", n, asked)
		}
	}
	if len(asked) == 0 || len(asked) > 2 {
		t.Errorf("asked %v after changing low_stock, want low_stock and its loop only", asked)
	}
}
