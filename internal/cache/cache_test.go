package cache

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPutGetSurvivesReopenAndTornLines(t *testing.T) {
	root := t.TempDir()
	c, err := Open(root)
	if err != nil {
		t.Fatal(err)
	}
	k1 := Key("openai", "gpt-4o", "v1", []byte("system"), []byte("user one"))
	k2 := Key("openai", "gpt-4o", "v1", []byte("system"), []byte("user two"))
	if k1 == k2 {
		t.Fatal("different prompts share a key")
	}
	if _, ok := c.Get(k1); ok {
		t.Fatal("empty cache hit")
	}
	if err := c.Put(Entry{Key: k1, Answer: []byte(`{"name":"a"}`), InputTokens: 10}); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	// A process killed mid-write leaves half a line.
	log := filepath.Join(root, DirName, logName)
	f, err := os.OpenFile(log, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"key":"` + k2 + `","answer":{"na`)
	f.Close()

	c, err = Open(root)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	e, ok := c.Get(k1)
	if !ok || string(e.Answer) != `{"name":"a"}` || e.InputTokens != 10 {
		t.Fatalf("reopened cache lost the entry: %+v %v", e, ok)
	}
	if _, ok := c.Get(k2); ok {
		t.Fatal("torn line was taken as an answer")
	}
	if h, m := c.Stats(); h != 1 || m != 1 {
		t.Fatalf("stats = %d hits, %d misses; want 1, 1", h, m)
	}
	// The answer asked again after the kill is kept: it must not be glued
	// to the torn half line.
	if err := c.Put(Entry{Key: k2, Answer: []byte(`{"name":"b"}`)}); err != nil {
		t.Fatal(err)
	}
	c.Close()
	c, err = Open(root)
	if err != nil {
		t.Fatal(err)
	}
	if e, ok := c.Get(k2); !ok || string(e.Answer) != `{"name":"b"}` {
		t.Fatalf("the answer written after a torn line was lost: %+v %v", e, ok)
	}
}

func TestKeyChangesWithEveryPart(t *testing.T) {
	base := Key("openai", "m", "v1", []byte("a"), []byte("b"))
	for name, k := range map[string]string{
		"provider": Key("anthropic", "m", "v1", []byte("a"), []byte("b")),
		"model":    Key("openai", "n", "v1", []byte("a"), []byte("b")),
		"version":  Key("openai", "m", "v2", []byte("a"), []byte("b")),
		"parts":    Key("openai", "m", "v1", []byte("ab"), []byte("")),
	} {
		if k == base {
			t.Errorf("changing the %s kept the key", name)
		}
	}
}

func TestFolderIsIgnoredByGit(t *testing.T) {
	root := t.TempDir()
	c, err := Open(root)
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	b, err := os.ReadFile(filepath.Join(root, DirName, ".gitignore"))
	if err != nil || !strings.Contains(string(b), "\n*\n") {
		t.Fatalf(".gitignore = %q, %v", b, err)
	}
}

func TestReadOnlyCacheReadsButNeverWrites(t *testing.T) {
	root := t.TempDir()
	ro, err := OpenReadOnly(root)
	if err != nil {
		t.Fatal(err)
	}
	if err := ro.Put(Entry{Key: "k", Answer: []byte(`{}`)}); err != nil {
		t.Fatal(err)
	}
	ro.Close()
	if _, err := os.Stat(filepath.Join(root, DirName)); !os.IsNotExist(err) {
		t.Fatalf("a read-only cache created its folder: %v", err)
	}
	c, _ := Open(root)
	c.Put(Entry{Key: "k2", Answer: []byte(`{"name":"x"}`)})
	c.Close()
	ro, _ = OpenReadOnly(root)
	if _, ok := ro.Get("k2"); !ok {
		t.Fatal("read-only cache does not see written answers")
	}
}
