package capability

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"time"
)

// GPU is one accelerator found on this machine.
type GPU struct {
	Name string
	// Vendor is "NVIDIA" or "AMD".
	Vendor string
	// MemoryTotalMB is the VRAM in MiB; 0 when the tool could not say.
	MemoryTotalMB int
	// MemoryFreeMB is the unused VRAM in MiB; -1 when the tool could not say.
	MemoryFreeMB int
}

// Runner runs a command and returns its standard output. Detection calls
// it with a context that ends after the command time-box; tests hand in
// their own.
type Runner func(ctx context.Context, name string, args ...string) ([]byte, error)

// ExecRunner runs name with os/exec. A failing command's error carries the
// first line of what it printed on standard error.
func ExecRunner(ctx context.Context, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	// A tool that forks a helper which keeps the pipes open must not
	// hold the run past its time-box.
	cmd.WaitDelay = 500 * time.Millisecond
	out, err := cmd.Output()
	if err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			if line := firstLine(string(exit.Stderr)); line != "" {
				return out, fmt.Errorf("%w: %s", err, line)
			}
			if line := firstLine(string(out)); line != "" {
				return out, fmt.Errorf("%w: %s", err, line)
			}
		}
		return out, err
	}
	return out, nil
}

// The exact queries, kept here so the README and the tests name the same
// commands the code runs.
var (
	nvidiaArgs = []string{"--query-gpu=name,memory.total,memory.free", "--format=csv,noheader,nounits"}
	rocmArgs   = []string{"--showmeminfo", "vram", "--showproductname", "--json"}
)

// detectGPUs asks nvidia-smi and rocm-smi, each within timeout, and never
// fails: a missing tool, a failing one or output it cannot read becomes a
// line in the notes.
func detectGPUs(ctx context.Context, run Runner, timeout time.Duration) ([]GPU, []string) {
	var gpus []GPU
	var notes []string
	for _, tool := range []struct {
		name  string
		args  []string
		parse func([]byte) ([]GPU, error)
	}{
		{"nvidia-smi", nvidiaArgs, parseNvidiaSMI},
		{"rocm-smi", rocmArgs, parseRocmSMI},
	} {
		found, note := runTool(ctx, run, timeout, tool.name, tool.args, tool.parse)
		gpus = append(gpus, found...)
		notes = append(notes, note)
	}
	return gpus, notes
}

func runTool(ctx context.Context, run Runner, timeout time.Duration, name string, args []string, parse func([]byte) ([]GPU, error)) ([]GPU, string) {
	tctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	out, err := run(tctx, name, args...)
	switch {
	case errors.Is(err, exec.ErrNotFound):
		return nil, name + ": not found on PATH"
	case err != nil && tctx.Err() != nil && ctx.Err() == nil:
		return nil, fmt.Sprintf("%s: no answer within %s, ignored", name, timeout)
	case err != nil:
		return nil, fmt.Sprintf("%s: failed (%v), ignored", name, err)
	}
	gpus, err := parse(out)
	if err != nil {
		return nil, fmt.Sprintf("%s: output not understood (%v), ignored", name, err)
	}
	if len(gpus) == 0 {
		return nil, name + ": no GPU listed"
	}
	return gpus, fmt.Sprintf("%s: %s", name, describeGPUs(gpus))
}

// parseNvidiaSMI reads `nvidia-smi --query-gpu=name,memory.total,memory.free
// --format=csv,noheader,nounits`: one "name, total, free" line per GPU, in
// MiB. It also accepts the same query with a header line or with units
// ("24564 MiB"), and "[N/A]" where the driver cannot report a value (MIG
// slices, some unified-memory parts).
func parseNvidiaSMI(out []byte) ([]GPU, error) {
	var gpus []GPU
	for _, line := range strings.Split(string(out), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		f := strings.Split(line, ",")
		if len(f) != 3 {
			return nil, fmt.Errorf("line %q has %d fields, want name, memory.total, memory.free", clip(line), len(f))
		}
		name, total, free := strings.TrimSpace(f[0]), strings.TrimSpace(f[1]), strings.TrimSpace(f[2])
		if name == "name" && strings.HasPrefix(total, "memory.total") {
			continue // header line of --format=csv without noheader
		}
		g := GPU{Name: name, Vendor: "NVIDIA", MemoryFreeMB: -1}
		if mb, ok, err := mib(total); err != nil {
			return nil, fmt.Errorf("line %q: memory.total: %w", clip(line), err)
		} else if ok {
			g.MemoryTotalMB = mb
		}
		if mb, ok, err := mib(free); err != nil {
			return nil, fmt.Errorf("line %q: memory.free: %w", clip(line), err)
		} else if ok {
			g.MemoryFreeMB = mb
		}
		gpus = append(gpus, g)
	}
	return gpus, nil
}

// mib parses "24564" or "24564 MiB"; "[N/A]" and friends are not an error
// but no value.
func mib(s string) (int, bool, error) {
	if strings.Contains(s, "N/A") || strings.Contains(s, "Not Supported") {
		return 0, false, nil
	}
	v, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(s, "MiB")))
	if err != nil || v < 0 {
		return 0, false, fmt.Errorf("%q is not a number of MiB", s)
	}
	return v, true, nil
}

// parseRocmSMI reads `rocm-smi --showmeminfo vram --showproductname
// --json`: an object with one "cardN" object per GPU whose values are all
// strings, e.g. "VRAM Total Memory (B)": "25753026560", "VRAM Total Used
// Memory (B)": "1073741824", "Card series": "Radeon RX 7900 XTX". Key case
// varies between ROCm releases ("Card Series", "Card model"), some releases
// report MiB instead of bytes, and a "system" object may sit beside the
// cards; warnings printed before the JSON are skipped.
func parseRocmSMI(out []byte) ([]GPU, error) {
	start, end := bytes.IndexByte(out, '{'), bytes.LastIndexByte(out, '}')
	if start < 0 || end < start {
		return nil, fmt.Errorf("no JSON object in %q", clip(firstLine(string(out))))
	}
	var doc map[string]map[string]any
	if err := json.Unmarshal(out[start:end+1], &doc); err != nil {
		// A "system" entry that is not an object must not sink the cards.
		var loose map[string]json.RawMessage
		if err2 := json.Unmarshal(out[start:end+1], &loose); err2 != nil {
			return nil, err
		}
		doc = map[string]map[string]any{}
		for k, raw := range loose {
			var card map[string]any
			if json.Unmarshal(raw, &card) == nil {
				doc[k] = card
			}
		}
	}
	var cards []int
	for k := range doc {
		if n, ok := strings.CutPrefix(strings.ToLower(k), "card"); ok {
			if i, err := strconv.Atoi(n); err == nil {
				cards = append(cards, i)
			}
		}
	}
	sort.Ints(cards)
	var gpus []GPU
	for _, i := range cards {
		card := lowerKeys(doc[fmt.Sprintf("card%d", i)])
		if card == nil {
			card = lowerKeys(doc[fmt.Sprintf("Card%d", i)])
		}
		g := GPU{Vendor: "AMD", MemoryFreeMB: -1}
		for _, k := range []string{"card series", "device name", "card model", "card sku"} {
			if v := str(card[k]); v != "" && !strings.Contains(v, "N/A") {
				g.Name = v
				break
			}
		}
		if g.Name == "" {
			g.Name = fmt.Sprintf("AMD GPU card%d", i)
		}
		total, okT := memField(card, "vram total memory")
		used, okU := memField(card, "vram total used memory")
		if okT {
			g.MemoryTotalMB = int(total >> 20)
			if okU && used <= total {
				g.MemoryFreeMB = int((total - used) >> 20)
			}
		}
		gpus = append(gpus, g)
	}
	return gpus, nil
}

// memField finds "<prefix> (B)" or "<prefix> (MiB)" and returns bytes.
func memField(card map[string]any, prefix string) (int64, bool) {
	for unit, mult := range map[string]int64{" (b)": 1, " (mib)": 1 << 20} {
		if v, err := strconv.ParseInt(strings.TrimSpace(str(card[prefix+unit])), 10, 64); err == nil && v >= 0 {
			return v * mult, true
		}
	}
	return 0, false
}

func lowerKeys(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[strings.ToLower(strings.TrimSpace(k))] = v
	}
	return out
}

// str renders a rocm-smi value, which is a JSON string in every release
// seen, but a number would do as well.
func str(v any) string {
	switch v := v.(type) {
	case string:
		return strings.TrimSpace(v)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return ""
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}

func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

// describeGPUs renders the seed's "8x GPU with 16.0GiB each" style.
func describeGPUs(gpus []GPU) string {
	if len(gpus) == 0 {
		return "no GPU"
	}
	same := true
	var total int
	for _, g := range gpus {
		total += g.MemoryTotalMB
		same = same && g.Name == gpus[0].Name && g.MemoryTotalMB == gpus[0].MemoryTotalMB
	}
	if same {
		if gpus[0].MemoryTotalMB == 0 {
			return fmt.Sprintf("%dx %s, VRAM not reported", len(gpus), gpus[0].Name)
		}
		each := "each"
		if len(gpus) == 1 {
			each = ""
		}
		return strings.TrimSpace(fmt.Sprintf("%dx %s with %s %s", len(gpus), gpus[0].Name, gib(int64(gpus[0].MemoryTotalMB)<<20), each))
	}
	return fmt.Sprintf("%dx GPU with %s in total", len(gpus), gib(int64(total)<<20))
}

func gib(b int64) string { return fmt.Sprintf("%.1fGiB", float64(b)/(1<<30)) }
