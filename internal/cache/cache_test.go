package cache

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
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

// TestStateFolderNeverWritesThroughLinks: the state folder is part of the
// user's tree, and a cloned repository can carry a .telemetry-inject that
// links elsewhere or holds links to the user's files. Nothing is written
// through them, and a link to /dev/zero does not hold the run.
func TestStateFolderNeverWritesThroughLinks(t *testing.T) {
	victimIn := func(t *testing.T) (string, string) {
		base := t.TempDir()
		victim := filepath.Join(base, "victim")
		if err := os.WriteFile(victim, []byte("the user's own file\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		root := filepath.Join(base, "tree")
		if err := os.MkdirAll(filepath.Join(root, DirName), 0o755); err != nil {
			t.Fatal(err)
		}
		return root, victim
	}
	unchanged := func(t *testing.T, victim string) {
		t.Helper()
		if b, _ := os.ReadFile(victim); string(b) != "the user's own file\n" {
			t.Fatalf("the file the link points to now reads %q", b)
		}
	}
	t.Run("answer log", func(t *testing.T) {
		root, victim := victimIn(t)
		if err := os.Symlink(victim, filepath.Join(root, DirName, logName)); err != nil {
			t.Fatal(err)
		}
		c, err := Open(root)
		if err == nil {
			c.Put(Entry{Key: "k", Answer: []byte(`{}`)})
			c.Close()
			t.Error("the cache opened through a symbolic link")
		}
		unchanged(t, victim)
	})
	t.Run("gitignore", func(t *testing.T) {
		root, victim := victimIn(t)
		created := filepath.Join(filepath.Dir(victim), "created-by-us")
		if err := os.Symlink(created, filepath.Join(root, DirName, ".gitignore")); err != nil {
			t.Fatal(err)
		}
		if _, err := StateDir(root); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Lstat(created); !os.IsNotExist(err) {
			t.Fatalf("a file was created through the dangling link: %v", err)
		}
	})
	t.Run("state folder", func(t *testing.T) {
		root, victim := victimIn(t)
		os.Remove(filepath.Join(root, DirName))
		if err := os.Symlink(filepath.Dir(victim), filepath.Join(root, DirName)); err != nil {
			t.Fatal(err)
		}
		if _, err := StateDir(root); err == nil || !strings.Contains(err.Error(), "not a folder") {
			t.Fatalf("StateDir through a linked folder: %v", err)
		}
		if _, err := os.Lstat(filepath.Join(filepath.Dir(victim), ".gitignore")); !os.IsNotExist(err) {
			t.Fatalf("a .gitignore was written into the folder the link points to: %v", err)
		}
	})
	t.Run("endless file", func(t *testing.T) {
		root, _ := victimIn(t)
		if err := os.Symlink("/dev/zero", filepath.Join(root, DirName, logName)); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { _, err := OpenReadOnly(root); done <- err }()
		select {
		case err := <-done:
			if err == nil {
				t.Fatal("a dry run read the cache through a link to /dev/zero")
			}
		case <-time.After(5 * time.Second):
			t.Fatal("reading the cache through a link to /dev/zero did not end")
		}
	})
}
