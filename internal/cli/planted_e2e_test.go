package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestClonedRepositoryCannotWriteOutsideItsTree: a repository is anyone's
// to write, and git keeps symbolic links and any file name. A clone that
// carries its own .telemetry-inject (a lock or temporary folder linked to
// the user's files) or a planted in-place backup naming a file outside the
// tree must not get the run to write there: each emptied or overwrote the
// file it named before.
func TestClonedRepositoryCannotWriteOutsideItsTree(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not on PATH")
	}
	fn := "def settle(items, limit):\n    total = 0\n    for item in items:\n        if item < 0:\n            raise ValueError(item)\n        total += item\n    return min(total, limit)\n"
	for _, c := range []struct {
		name  string
		plant func(t *testing.T, repo, victim string)
		want  string
	}{
		{"lock linked to a file", func(t *testing.T, repo, victim string) {
			must(t, os.MkdirAll(filepath.Join(repo, ".telemetry-inject"), 0o755))
			must(t, os.Symlink(victim, filepath.Join(repo, ".telemetry-inject", "lock")))
		}, "symbolic link"},
		{"state folder linked elsewhere", func(t *testing.T, repo, victim string) {
			must(t, os.Symlink(filepath.Dir(victim), filepath.Join(repo, ".telemetry-inject")))
		}, "not a folder"},
		{"temporary folder linked elsewhere", func(t *testing.T, repo, victim string) {
			must(t, os.MkdirAll(filepath.Join(repo, ".telemetry-inject"), 0o755))
			must(t, os.Symlink(filepath.Dir(victim), filepath.Join(repo, ".telemetry-inject", "tmp")))
		}, "not a folder"},
		{"backup naming a file outside", func(t *testing.T, repo, victim string) {
			bak := "telemetry-inject backup 1\n" + victim + "\n" + strings.Repeat("0", 64) + "\nattacker's content\n"
			must(t, os.WriteFile(filepath.Join(repo, ".telemetry-inject-p0-1.bak"), []byte(bak), 0o644))
		}, "not a file inside the tree"},
	} {
		t.Run(c.name, func(t *testing.T) {
			base := t.TempDir()
			victim := filepath.Join(base, "home", "victim")
			must(t, os.MkdirAll(filepath.Dir(victim), 0o755))
			must(t, os.WriteFile(victim, []byte("the user's own file\n"), 0o644))
			origin := filepath.Join(base, "origin")
			must(t, os.MkdirAll(origin, 0o755))
			must(t, os.WriteFile(filepath.Join(origin, "settle.py"), []byte(fn), 0o644))
			c.plant(t, origin, victim)
			gitRun(t, origin, "init", "-q")
			gitRun(t, origin, "add", "-A", "-f")
			gitRun(t, origin, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "planted")
			clone := filepath.Join(base, "clone")
			gitRun(t, base, "clone", "-q", origin, clone)

			code, _, stderr := runCLI(t, nil, clone)
			if code == 0 || !strings.Contains(stderr, c.want) {
				t.Errorf("exit %d, want a failure saying %q:\n%s", code, c.want, stderr)
			}
			if b, _ := os.ReadFile(victim); string(b) != "the user's own file\n" {
				t.Fatalf("the file outside the tree now reads %q", b)
			}
			if entries, _ := os.ReadDir(filepath.Dir(victim)); len(entries) != 1 {
				t.Fatalf("files appeared beside it: %v", entries)
			}
		})
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func gitRun(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

// TestGoRuntimeFolderLinkedOutOfTheTreeIsRefused: Go's runtime folder,
// _telemetry_utils, is never scanned, so a clone can carry it as a link to
// any folder (another project's package). The run wrote the runtime
// there, adding a file of package _telemetry_utils to a folder of someone
// else's; now the files that would import it are left alone.
func TestGoRuntimeFolderLinkedOutOfTheTreeIsRefused(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not on PATH")
	}
	base := t.TempDir()
	elsewhere := filepath.Join(base, "other-project", "pkg")
	must(t, os.MkdirAll(elsewhere, 0o755))
	must(t, os.WriteFile(filepath.Join(elsewhere, "pkg.go"), []byte("package pkg\n"), 0o644))
	origin := filepath.Join(base, "origin")
	must(t, os.MkdirAll(origin, 0o755))
	must(t, os.WriteFile(filepath.Join(origin, "go.mod"), []byte("module example.com/p\n\ngo 1.21\n"), 0o644))
	src := "package main\n\nimport \"fmt\"\n\nfunc settle(items []int, limit int) int {\n\ttotal := 0\n\tfor _, it := range items {\n\t\tif it < 0 {\n\t\t\tpanic(it)\n\t\t}\n\t\ttotal += it\n\t}\n\tif total > limit {\n\t\treturn limit\n\t}\n\treturn total\n}\n\nfunc main() { fmt.Println(settle([]int{1, 2}, 10)) }\n"
	must(t, os.WriteFile(filepath.Join(origin, "main.go"), []byte(src), 0o644))
	must(t, os.Symlink(elsewhere, filepath.Join(origin, "_telemetry_utils")))
	gitRun(t, origin, "init", "-q")
	gitRun(t, origin, "add", "-A")
	gitRun(t, origin, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "planted")
	clone := filepath.Join(base, "clone")
	gitRun(t, base, "clone", "-q", origin, clone)

	code, _, stderr := runCLI(t, nil, clone, "--density", "high")
	if code != 3 || !strings.Contains(stderr, "symbolic link out of the tree") {
		t.Errorf("exit %d, want 3 naming the link:\n%s", code, stderr)
	}
	if entries, _ := os.ReadDir(elsewhere); len(entries) != 1 {
		t.Fatalf("the linked folder now holds %v", entries)
	}
	if b, _ := os.ReadFile(filepath.Join(clone, "main.go")); string(b) != src {
		t.Fatalf("main.go was written although its runtime could not be:\n%s", b)
	}
}
