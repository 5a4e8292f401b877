package golang

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"

	"github.com/telemetry-inject/telemetry-inject/internal/source"
	"github.com/telemetry-inject/telemetry-inject/internal/utilfiles"
)

// vetter runs go vet on a package with instrumented files laid over the
// disk, a few at a time (each go command is a process tree of its own).
type vetter struct {
	exe   string
	slots chan struct{}

	mu       sync.Mutex
	original map[string]error // package folder -> how go vet judged it as it is
}

func newVetter(exe string) *vetter {
	if exe == "" {
		exe, _ = exec.LookPath("go")
	}
	if exe == "" {
		return nil
	}
	return &vetter{exe: exe, slots: make(chan struct{}, 2), original: map[string]error{}}
}

// check vets f's package with out in f's place and rt as the runtime file.
// It fails only when the package vets clean as it stands: otherwise go vet
// cannot judge our change (a dependency missing from the module cache, a
// toolchain older than the module wants) and the parse has the last word.
func (v *vetter) check(ctx context.Context, f *source.File, out, rt []byte) error {
	dir := filepath.Dir(f.Abs)
	err := v.run(ctx, dir, map[string][]byte{f.Abs: out, filepath.Join(dir, utilfiles.GoFileName): rt})
	if err == nil || ctx.Err() != nil {
		return err
	}
	v.mu.Lock()
	orig, seen := v.original[dir]
	v.mu.Unlock()
	if !seen {
		orig = v.run(ctx, dir, nil)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		v.mu.Lock()
		v.original[dir] = orig
		v.mu.Unlock()
	}
	if orig != nil {
		return nil
	}
	return err
}

// run runs go vet in dir, with the files of replace laid over the disk.
func (v *vetter) run(ctx context.Context, dir string, replace map[string][]byte) error {
	select {
	case v.slots <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-v.slots }()
	args := []string{"vet"}
	if len(replace) > 0 {
		tmp, err := os.MkdirTemp("", "telemetry-inject-vet-")
		if err != nil {
			return fmt.Errorf("preparing go vet: %w", err)
		}
		defer os.RemoveAll(tmp)
		overlay := map[string]map[string]string{"Replace": {}}
		i := 0
		for path, content := range replace {
			i++
			name := filepath.Join(tmp, fmt.Sprintf("%d.go", i))
			if err := os.WriteFile(name, content, 0o600); err != nil {
				return fmt.Errorf("preparing go vet: %w", err)
			}
			overlay["Replace"][path] = name
		}
		b, _ := json.Marshal(overlay)
		ov := filepath.Join(tmp, "overlay.json")
		if err := os.WriteFile(ov, b, 0o600); err != nil {
			return fmt.Errorf("preparing go vet: %w", err)
		}
		args = append(args, "-overlay="+ov)
	}
	args = append(args, ".")
	cmd := exec.CommandContext(ctx, v.exe, args...)
	cmd.Dir = dir
	// Never download a module or a toolchain to judge a file.
	cmd.Env = append(os.Environ(), "GOPROXY=off", "GOTOOLCHAIN=local")
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		msg := strings.TrimSpace(stderr.String())
		if lines := strings.SplitN(msg, "\n", 6); len(lines) > 5 {
			msg = strings.Join(lines[:5], "\n") + "\n..."
		}
		return fmt.Errorf("go vet rejects the package with the instrumented file: %s", msg)
	}
	return nil
}
