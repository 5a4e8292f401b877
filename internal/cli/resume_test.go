package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/telemetry-inject/telemetry-inject/internal/llm/llmtest"
)

// buildBinary builds the command once for tests that must run it as a
// separate process (to kill it).
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "telemetry-inject")
	out, err := exec.Command("go", "build", "-o", bin, "../../cmd/telemetry-inject").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestKilledRunResumesWithoutPayingTwice kills the process outright (no
// chance to clean up) once some answers have arrived, runs it again, and
// counts the requests the provider saw for each construct across both
// runs: none is asked twice once its answer was delivered.
func TestKilledRunResumesWithoutPayingTwice(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	var mu sync.Mutex
	delivered := map[string]int{} // answers the first run received, by prompt
	asked := map[string]int{}
	killAfter := make(chan struct{})
	var once sync.Once
	echo := llmtest.Echo() // answers grouped requests too, as runs send by default
	srv := llmtest.NewOpenAI(t, func(r llmtest.Request) llmtest.Reply {
		mu.Lock()
		asked[r.User]++
		n := len(delivered)
		mu.Unlock()
		if n >= 2 { // of about five grouped requests
			once.Do(func() { close(killAfter) })
			return llmtest.Hang() // the rest of the first run never completes
		}
		mu.Lock()
		delivered[r.User]++
		mu.Unlock()
		return echo(r)
	})
	project := copyTree(t, "../../examples/shop")
	env := append(os.Environ(), "OPENAI_API_KEY=sk-x", "OPENAI_BASE_URL="+srv.URL(), "LLM_MODEL=gpt-4o-mini", "LLM_PROVIDER=openai")

	cmd := exec.Command(bin, project, "--max-parallel", "2")
	cmd.Env = env
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-killAfter:
	case <-time.After(30 * time.Second):
		t.Fatal("the first run never reached the kill point")
	}
	time.Sleep(200 * time.Millisecond) // let the delivered answers be logged
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()

	mu.Lock()
	firstDelivered := map[string]bool{}
	for u := range delivered {
		firstDelivered[u] = true
	}
	mu.Unlock()
	// Second run: answers everything.
	srv2 := llmtest.NewOpenAI(t, func(r llmtest.Request) llmtest.Reply {
		mu.Lock()
		defer mu.Unlock()
		if firstDelivered[r.User] {
			t.Errorf("construct asked again although its answer was delivered before the kill:\n%.200s", r.User)
		}
		return echo(r)
	})
	env2 := append(os.Environ(), "OPENAI_API_KEY=sk-x", "OPENAI_BASE_URL="+srv2.URL(), "LLM_MODEL=gpt-4o-mini", "LLM_PROVIDER=openai")
	cmd = exec.Command(bin, project)
	cmd.Env = env2
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("second run: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "from cache") {
		t.Errorf("second run did not use the answers of the first:\n%s", out)
	}
	if len(firstDelivered) == 0 || srv2.Count() == 0 {
		t.Fatalf("test did not exercise a resume: %d answers before the kill, %d after", len(firstDelivered), srv2.Count())
	}
	t.Logf("first run: %d answers delivered before the kill; second run: %d requests", len(firstDelivered), srv2.Count())
}
