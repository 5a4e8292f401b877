package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/telemetry-inject/telemetry-inject/internal/view"
)

// chromium returns the headless browser the page test drives, or skips.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium is not installed: .ci/run installs Debian's chromium for this test")
	}
	t.Skip("chromium is not on PATH")
	return ""
}

// browse loads url in headless Chromium, lets its scripts run, and returns
// the DOM; with shot set it also saves a screenshot there.
func browse(t *testing.T, bin, url, shot string) string {
	t.Helper()
	args := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + t.TempDir(), "--virtual-time-budget=10000", "--window-size=1280,1500"}
	if shot != "" {
		args = append(args, "--screenshot="+shot, "--hide-scrollbars")
	} else {
		args = append(args, "--dump-dom")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, append(args, url)...).Output()
	if err != nil {
		t.Fatalf("chromium: %v", err)
	}
	return string(out)
}

// TestViewShowsTheExampleInABrowser instruments the bundled example, runs
// its Python and Node programs against the view's OTLP receiver, and reads
// the page in headless Chromium: the span names, their call counts and a
// trace's nesting must be on the page as the server counted them.
func TestViewShowsTheExampleInABrowser(t *testing.T) {
	bin := chromium(t)
	project := copyTree(t, "../../examples/shop")
	if code, _, stderr := runCLI(t, nil, project, "--no-default-excludes", "--density", "high"); code != 0 {
		t.Fatalf("instrumenting the example: exit %d\n%s", code, stderr)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan [2]string, 1)
	done := make(chan error, 1)
	go func() {
		done <- view.Serve(ctx, view.Options{OTLPAddr: "127.0.0.1:0", UIAddr: "127.0.0.1:0",
			Ready: func(page, otlp string) { ready <- [2]string{page, otlp} }})
	}()
	var page, otlp string
	select {
	case u := <-ready:
		page, otlp = u[0], u[1]
	case err := <-done:
		t.Fatal(err)
	}
	runProgram(t, project, []string{"OTEL_EXPORTER_OTLP_ENDPOINT=" + otlp, "OTEL_SERVICE_NAME=pyshop"}, "python3", "-m", "pyshop")
	runProgram(t, project, []string{"OTEL_EXPORTER_OTLP_ENDPOINT=" + otlp, "OTEL_SERVICE_NAME=web"}, "node", "web/src/cart.js")

	var sum view.Summary
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		resp, err := http.Get(page + "api/summary")
		if err == nil {
			json.NewDecoder(resp.Body).Decode(&sum)
			resp.Body.Close()
		}
		if len(sum.Services) == 2 || time.Now().After(deadline) {
			break
		}
	}
	if len(sum.Services) != 2 || len(sum.Hotspots) == 0 || len(sum.Traces) == 0 {
		t.Fatalf("the view received %d spans from services %v; want both programs'", sum.Received, sum.Services)
	}

	dom := browse(t, bin, page+"?live=0", "")
	for _, h := range sum.Hotspots[:min(5, len(sum.Hotspots))] {
		row := fmt.Sprintf(`data-span="%s"`, h.Name)
		if !strings.Contains(dom, row) {
			t.Errorf("hot spot %s is not on the page", h.Name)
			continue
		}
		cell := dom[strings.Index(dom, row):]
		if !strings.Contains(cell[:min(len(cell), 600)], fmt.Sprintf(`<td class="num">%d</td>`, h.Count)) {
			t.Errorf("hot spot %s: call count %d not shown", h.Name, h.Count)
		}
	}
	// The deepest trace, opened by its link, shows each span at its depth.
	var deepest string
	maxDepth := -1
	for _, tr := range sum.Traces {
		spans := fetchTrace(t, page, tr.TraceID)
		for _, s := range spans {
			if s.Depth > maxDepth {
				deepest, maxDepth = tr.TraceID, s.Depth
			}
		}
	}
	if maxDepth < 1 {
		t.Fatalf("no trace of the example has a nested span")
	}
	dom = browse(t, bin, page+"?live=0#trace="+deepest, "")
	for _, s := range fetchTrace(t, page, deepest) {
		if !strings.Contains(dom, fmt.Sprintf(`data-span="%s" data-depth="%d"`, s.Name, s.Depth)) {
			t.Errorf("span %s at depth %d is not in the waterfall", s.Name, s.Depth)
		}
	}
	shot := filepath.Join(t.TempDir(), "view.png")
	if p := os.Getenv("TELEMETRY_INJECT_SCREENSHOT"); p != "" {
		shot = p // to refresh docs/view.png
	}
	browse(t, bin, page+"?live=0#trace="+deepest, shot)
	if info, err := os.Stat(shot); err != nil || info.Size() < 10_000 {
		t.Fatalf("no screenshot: %v", err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func fetchTrace(t *testing.T, page, id string) []view.TraceSpan {
	t.Helper()
	resp, err := http.Get(page + "api/trace/" + id)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tr struct {
		Spans []view.TraceSpan `json:"spans"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tr); err != nil {
		t.Fatal(err)
	}
	return tr.Spans
}
