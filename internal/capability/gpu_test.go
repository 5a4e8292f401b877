package capability

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// tool is a stand-in for nvidia-smi or rocm-smi: it prints a captured
// output file and exits with a code, or sleeps past the time-box.
type tool struct {
	output string // file under testdata/smi, "" for no output
	exit   int
	sleep  bool
}

// fakePath puts executables for tools first (and alone) on PATH, so the
// real os/exec runner finds them, and a tool left out is missing.
func fakePath(t *testing.T, tools map[string]tool) {
	t.Helper()
	dir := t.TempDir()
	for name, tl := range tools {
		script := "#!/bin/sh\n"
		if tl.output != "" {
			data, err := os.ReadFile(filepath.Join("testdata", "smi", tl.output))
			if err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(dir, name+".out")
			if err := os.WriteFile(out, data, 0o600); err != nil {
				t.Fatal(err)
			}
			// Shell built-ins only: PATH holds nothing but this folder.
			script += fmt.Sprintf("while IFS= read -r line || [ -n \"$line\" ]; do printf '%%s\\n' \"$line\"; done < '%s'\n", out)
		}
		if tl.sleep {
			sleep, err := exec.LookPath("sleep")
			if err != nil {
				t.Skip("no sleep binary on PATH")
			}
			script += "exec " + sleep + " 10\n"
		}
		script += fmt.Sprintf("exit %d\n", tl.exit)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("PATH", dir)
}

func TestDetectGPUsWithToolsOnPath(t *testing.T) {
	if _, err := os.Stat("/bin/sh"); err != nil {
		t.Skip("no /bin/sh for the stand-in tools")
	}
	cases := []struct {
		name      string
		tools     map[string]tool
		wantGPUs  []GPU
		wantNotes []string
	}{
		{
			name:  "one NVIDIA GPU",
			tools: map[string]tool{"nvidia-smi": {output: "nvidia_1gpu.txt"}},
			wantGPUs: []GPU{
				{Name: "NVIDIA GeForce RTX 4090", Vendor: "NVIDIA", MemoryTotalMB: 24564, MemoryFreeMB: 23898},
			},
			wantNotes: []string{"nvidia-smi: 1x NVIDIA GeForce RTX 4090 with 24.0GiB", "rocm-smi: not found on PATH"},
		},
		{
			name:      "eight NVIDIA GPUs",
			tools:     map[string]tool{"nvidia-smi": {output: "nvidia_8gpu.txt"}},
			wantGPUs:  repeat(GPU{Name: "Tesla V100-SXM2-16GB", Vendor: "NVIDIA", MemoryTotalMB: 16384, MemoryFreeMB: 16130}, 8),
			wantNotes: []string{"nvidia-smi: 8x Tesla V100-SXM2-16GB with 16.0GiB each"},
		},
		{
			name:  "header line, units and [N/A]",
			tools: map[string]tool{"nvidia-smi": {output: "nvidia_header_na.txt"}},
			wantGPUs: []GPU{
				{Name: "NVIDIA A100-SXM4-80GB", Vendor: "NVIDIA", MemoryTotalMB: 81920, MemoryFreeMB: 81050},
				{Name: "NVIDIA A100-SXM4-80GB", Vendor: "NVIDIA", MemoryTotalMB: 0, MemoryFreeMB: -1},
			},
			wantNotes: []string{"nvidia-smi: 2x GPU with 80.0GiB in total"},
		},
		{
			name:  "two AMD GPUs after a warning line",
			tools: map[string]tool{"rocm-smi": {output: "rocm_2gpu.json"}},
			wantGPUs: []GPU{
				{Name: "AMD Instinct MI210", Vendor: "AMD", MemoryTotalMB: 65520, MemoryFreeMB: 65509},
				{Name: "AMD Instinct MI210", Vendor: "AMD", MemoryTotalMB: 65520, MemoryFreeMB: 32752},
			},
			wantNotes: []string{"nvidia-smi: not found on PATH", "rocm-smi: 2x AMD Instinct MI210 with 64.0GiB each"},
		},
		{
			name:      "no tools",
			tools:     map[string]tool{},
			wantNotes: []string{"nvidia-smi: not found on PATH", "rocm-smi: not found on PATH"},
		},
		{
			name:      "garbage output",
			tools:     map[string]tool{"nvidia-smi": {output: "garbage.txt"}, "rocm-smi": {output: "garbage.txt"}},
			wantNotes: []string{"nvidia-smi: output not understood", "rocm-smi: output not understood (no JSON object"},
		},
		{
			name:      "driver not loaded",
			tools:     map[string]tool{"nvidia-smi": {output: "nvidia_failed.txt", exit: 9}, "rocm-smi": {exit: 2}},
			wantNotes: []string{"nvidia-smi: failed (exit status 9: NVIDIA-SMI has failed because it couldn't communicate", "rocm-smi: failed (exit status 2)"},
		},
		{
			name:      "hanging tool",
			tools:     map[string]tool{"nvidia-smi": {sleep: true}},
			wantNotes: []string{"nvidia-smi: no answer within 300ms"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fakePath(t, c.tools)
			start := time.Now()
			gpus, notes := detectGPUs(context.Background(), ExecRunner, 300*time.Millisecond)
			if took := time.Since(start); took > 3*time.Second {
				t.Errorf("detection took %s despite the 300ms time-box", took)
			}
			if fmt.Sprint(gpus) != fmt.Sprint(c.wantGPUs) {
				t.Errorf("GPUs:\n got %+v\nwant %+v", gpus, c.wantGPUs)
			}
			joined := strings.Join(notes, "\n")
			for _, w := range c.wantNotes {
				if !strings.Contains(joined, w) {
					t.Errorf("notes %q lack %q", joined, w)
				}
			}
		})
	}
}

func repeat(g GPU, n int) []GPU {
	out := make([]GPU, n)
	for i := range out {
		out[i] = g
	}
	return out
}

func TestParseRocmVariants(t *testing.T) {
	// Key spellings of other ROCm releases: capitalised "Card Series",
	// MiB instead of bytes, "N/A" names, and a non-card "system" entry.
	out := `{"card1": {"Card Series": "N/A", "Card Model": "0x7551", "vram Total Memory (MiB)": "32624", "vram Total Used Memory (MiB)": "624"},
	         "card0": {"Card Series": "Radeon RX 7900 XTX", "VRAM Total Memory (B)": "25753026560", "VRAM Total Used Memory (B)": "N/A"},
	         "system": {"Driver version": "6.7.0"}}`
	gpus, err := parseRocmSMI([]byte(out))
	if err != nil {
		t.Fatal(err)
	}
	want := []GPU{
		{Name: "Radeon RX 7900 XTX", Vendor: "AMD", MemoryTotalMB: 24560, MemoryFreeMB: -1},
		{Name: "0x7551", Vendor: "AMD", MemoryTotalMB: 32624, MemoryFreeMB: 32000},
	}
	if fmt.Sprint(gpus) != fmt.Sprint(want) {
		t.Errorf("got %+v\nwant %+v", gpus, want)
	}
	if _, err := parseRocmSMI([]byte(`{"card0": `)); err == nil {
		t.Error("truncated JSON must not parse")
	}
}

func TestParseNvidiaRejectsWrongShape(t *testing.T) {
	for _, out := range []string{"GPU 0: Tesla T4 (UUID: GPU-abc)", "Tesla T4, lots, 3"} {
		if gpus, err := parseNvidiaSMI([]byte(out)); err == nil {
			t.Errorf("%q parsed as %+v", out, gpus)
		}
	}
}
