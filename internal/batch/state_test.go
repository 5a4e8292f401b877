package batch

import (
	"github.com/telemetry-inject/telemetry-inject/internal/cache"
	"os"
	"slices"
	"testing"
)

// TestStateKeepsOtherRunsBatches saves from two states loaded before
// either saved, as two runs in one project do: neither loses the other's
// batch, and a batch one forgot stays forgotten.
func TestStateKeepsOtherRunsBatches(t *testing.T) {
	dir := t.TempDir()
	a, err := loadState(dir)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := loadState(dir)
	a.Batches = append(a.Batches, &entry{ID: "batch_a", Items: map[string]string{"x": "1"}})
	if err := a.save(dir); err != nil {
		t.Fatal(err)
	}
	b.Batches = append(b.Batches, &entry{ID: "batch_b", Items: map[string]string{"y": "2"}})
	if err := b.save(dir); err != nil {
		t.Fatal(err)
	}
	a.remove("batch_a")
	if err := a.save(dir); err != nil {
		t.Fatal(err)
	}
	got, err := loadState(dir)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range got.Batches {
		ids = append(ids, e.ID)
	}
	if !slices.Equal(ids, []string{"batch_b"}) {
		t.Errorf("saved %v, want [batch_b]", ids)
	}
	entries, _ := os.ReadDir(dir + "/.telemetry-inject")
	for _, e := range entries {
		if e.Name() != StateFile && e.Name() != ".gitignore" {
			t.Errorf("left behind %s", e.Name())
		}
	}
}

func TestStateRefusesOtherVersions(t *testing.T) {
	dir := t.TempDir()
	if _, err := cache.StateDir(dir); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(statePath(dir), []byte(`{"version":2,"batches":[]}`), 0o644)
	if _, err := loadState(dir); err == nil {
		t.Error("a version 2 file was read")
	}
	os.WriteFile(statePath(dir), []byte(`{"version":1,"batches":[`), 0o644)
	if _, err := loadState(dir); err == nil {
		t.Error("a torn file was read")
	}
}
