package atomicfile

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWriteReplacesWholeAndKeepsMode(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "f.py")
	if err := os.WriteFile(name, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Write(name, []byte("new content"), 0o750); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(name)
	info, _ := os.Stat(name)
	if string(b) != "new content" || info.Mode().Perm() != 0o750 {
		t.Fatalf("content %q mode %v", b, info.Mode().Perm())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("temporary files left behind: %v", entries)
	}
}

func TestWriteIntoMissingFolderFailsWithoutCreatingIt(t *testing.T) {
	if err := Write(filepath.Join(t.TempDir(), "missing", "f"), []byte("x"), 0o644); err == nil {
		t.Fatal("write into a missing folder succeeded")
	}
}

func TestCreateNeverOverwrites(t *testing.T) {
	dir := t.TempDir()
	state := filepath.Join(dir, "state")
	if err := os.Mkdir(state, 0o755); err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(dir, "_telemetry_utils.py")
	if err := Create(name, []byte("ours"), 0o644, state); err != nil {
		t.Fatal(err)
	}
	if err := Create(name, []byte("again"), 0o644, state); !os.IsExist(err) {
		t.Fatalf("second create: %v", err)
	}
	if b, _ := os.ReadFile(name); string(b) != "ours" {
		t.Fatalf("content %q", b)
	}
	if left, _ := os.ReadDir(state); len(left) != 0 {
		t.Fatalf("temporary files left: %v", left)
	}
}
