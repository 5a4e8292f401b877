package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// tortureFailedRemovals makes some files impossible to restore (the
// immutable attribute, which even root cannot write through; a hard link
// where chattr is not available) and checks --remove says so, keeps the
// runtime those files import, and that every module still imports.
func tortureFailedRemovals(t *testing.T, tl tool) {
	tr := genTree(t, 4, 60)
	tl.mustRun(t, 0, tr.root)
	stuck := []string{"pkg0/mod1.py", "pkg0/mod2.py", "pkg2/mod5.py"}
	how := lockFiles(t, tr, stuck)

	r := tl.mustRun(t, 3, tr.root, "--remove")
	for _, rel := range stuck {
		if !strings.Contains(r.stderr, "failed "+rel+":") {
			t.Errorf("%s not reported:\n%s", rel, r.stderr)
		}
	}
	for _, rt := range []string{"pkg0", "pkg2"} {
		if !strings.Contains(r.stderr, "runtime file kept "+rt+"/_telemetry_utils.py: still imported by") {
			t.Errorf("%s's runtime not reported as kept:\n%s", rt, r.stderr)
		}
	}
	stranded := tr.importFailures(t)
	got := map[string]bool{}
	for _, p := range tr.runtimes() {
		rel, _ := filepath.Rel(tr.root, p)
		got[filepath.ToSlash(rel)] = true
	}
	t.Logf("TORTURE failed removals (%s): %d files could not be restored, stranded imports %d, runtime files kept %v", how, len(stuck), stranded, got)
	if stranded > 0 || len(got) != 2 || !got["pkg0/_telemetry_utils.py"] || !got["pkg2/_telemetry_utils.py"] {
		t.Fatalf("stranded %d, runtimes %v", stranded, got)
	}

	// Once the files can be written, a second --remove finishes the job.
	unlockFiles(t, tr, stuck)
	tl.mustRun(t, 0, tr.root, "--remove")
	for rel, want := range tr.orig {
		if !bytes.Equal(tr.read(t, rel), want) {
			t.Errorf("%s not restored", rel)
		}
	}
	if rt := tr.runtimes(); len(rt) > 0 {
		t.Errorf("runtimes left: %v", rt)
	}
}

// lockFiles makes files unwritable to root: chattr +i where the file
// system has it, else a second hard link, which the tool refuses to split.
func lockFiles(t *testing.T, tr tree, rels []string) string {
	t.Helper()
	t.Cleanup(func() { unlockFiles(t, tr, rels) }) // TempDir cannot remove immutable files
	for i, rel := range rels {
		p := filepath.Join(tr.root, rel)
		if out, err := exec.Command("chattr", "+i", p).CombinedOutput(); err != nil {
			if i > 0 {
				t.Fatalf("chattr worked once, then: %v %s", err, out)
			}
			for _, rel := range rels {
				if err := os.Link(filepath.Join(tr.root, rel), filepath.Join(tr.root, rel+".link")); err != nil {
					t.Fatal(err)
				}
			}
			return "hard links"
		}
	}
	return "chattr +i"
}

func unlockFiles(t *testing.T, tr tree, rels []string) {
	for _, rel := range rels {
		p := filepath.Join(tr.root, rel)
		_ = exec.Command("chattr", "-i", p).Run()
		_ = os.Remove(p + ".link")
	}
}

// meta is what a rewrite must keep.
type meta struct {
	uid, gid, mode uint32
	ino            uint64
}

func metaOf(t *testing.T, p string) meta {
	t.Helper()
	var st syscall.Stat_t
	if err := syscall.Stat(p, &st); err != nil {
		t.Fatal(err)
	}
	return meta{st.Uid, st.Gid, st.Mode & 0o7777, st.Ino}
}

// tortureMetadata gives files to another user and group, with setuid,
// setgid and read-only modes and a hard link, and checks instrumenting and
// removing keep all of it (a hard-linked file is refused, or with --force
// rewritten in place so every name sees the change); a user's own file named like the runtime is
// reported and never touched.
func tortureMetadata(t *testing.T, tl tool) {
	if os.Geteuid() != 0 {
		t.Skip("giving files to another user needs root")
	}
	tr := genTree(t, 1, 6)
	modes := map[string]fs.FileMode{
		"pkg0/mod0.py": 0o640,
		"pkg0/mod1.py": 0o750 | fs.ModeSetuid,
		"pkg0/mod2.py": 0o755 | fs.ModeSetgid,
		"pkg0/mod3.py": 0o444,
		"pkg0/mod4.py": 0o600,
	}
	before := map[string]meta{}
	for rel, mode := range modes {
		p := filepath.Join(tr.root, rel)
		if err := os.Chown(p, 1234, 5678); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil { // after chown, which clears setuid
			t.Fatal(err)
		}
		before[rel] = metaOf(t, p)
	}
	link := filepath.Join(tr.root, "pkg0", "mod5.py")
	if err := os.Link(link, filepath.Join(tr.root, "mod5-other-name.txt")); err != nil {
		t.Fatal(err)
	}
	mine := "# my own helpers (I read about telemetry-inject once)\nVALUE = 1\n"
	tr.write(t, "theirs.py", "import os\n\ndef g(x):\n    return x\n")
	tr.write(t, "_telemetry_utils.py", mine)

	changes := func(stage string) int {
		n := 0
		for rel, want := range before {
			got := metaOf(t, filepath.Join(tr.root, rel))
			got.ino, want.ino = 0, 0 // a rewrite is a new inode; the rest must stay
			if got != want {
				n++
				t.Errorf("%s: %s metadata %+v, want %+v", stage, rel, got, want)
			}
		}
		return n
	}

	r := tl.mustRun(t, 3, tr.root)
	for _, want := range []string{
		"skipped pkg0/mod3.py: read-only file, left alone (--force rewrites it)",
		"failed pkg0/mod5.py: has 2 hard links",
		"failed theirs.py: _telemetry_utils.py exists but is not telemetry-inject's runtime file",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("missing %q in:\n%s", want, r.stderr)
		}
	}
	n := changes("instrument")
	if !bytes.Equal(tr.read(t, "pkg0/mod3.py"), tr.orig["pkg0/mod3.py"]) || !bytes.Equal(tr.read(t, "pkg0/mod5.py"), tr.orig["pkg0/mod5.py"]) {
		t.Error("a read-only or hard-linked file was written")
	}
	if !bytes.Contains(tr.read(t, "pkg0/mod1.py"), []byte("_telemetry_utils")) {
		t.Error("pkg0/mod1.py not instrumented")
	}

	linkedTogether := func(stage string) {
		other, _ := os.ReadFile(filepath.Join(tr.root, "mod5-other-name.txt"))
		if !bytes.Equal(other, tr.read(t, "pkg0/mod5.py")) || metaOf(t, link).ino != metaOf(t, filepath.Join(tr.root, "mod5-other-name.txt")).ino {
			n++
			t.Errorf("%s: the hard link was split", stage)
		}
	}
	linkedTogether("instrument")
	tl.mustRun(t, 3, tr.root, "--force") // theirs.py still fails
	for _, rel := range []string{"pkg0/mod3.py", "pkg0/mod5.py"} {
		if !bytes.Contains(tr.read(t, rel), []byte("_telemetry_utils")) {
			t.Errorf("--force did not write %s", rel)
		}
	}
	linkedTogether("instrument --force")
	n += changes("instrument --force")
	r = tl.mustRun(t, 0, tr.root, "--remove", "--force")
	if !strings.Contains(r.stderr, "runtime file kept _telemetry_utils.py: not telemetry-inject's own runtime file") {
		t.Errorf("the user's file is not reported:\n%s", r.stderr)
	}
	n += changes("remove")
	for rel, want := range tr.orig {
		if !bytes.Equal(tr.read(t, rel), want) {
			t.Errorf("%s not restored", rel)
		}
	}
	if string(tr.read(t, "_telemetry_utils.py")) != mine {
		t.Error("the user's _telemetry_utils.py was touched")
	}
	linkedTogether("remove --force")
	t.Logf("TORTURE metadata: metadata changes %d over %d files (owner 1234:5678, modes %s) and one hard-linked file (refused, then rewritten in place with --force)", n, len(before), fmt.Sprint(modeList(modes)))
}

func modeList(m map[string]fs.FileMode) []string {
	var out []string
	for _, rel := range []string{"pkg0/mod0.py", "pkg0/mod1.py", "pkg0/mod2.py", "pkg0/mod3.py", "pkg0/mod4.py"} {
		out = append(out, m[rel].String())
	}
	return out
}

// tortureRuntimeRepair deletes and then edits a runtime file after
// instrumenting: the next run writes a deleted one back, and leaves an
// edited one (no longer ours) alone, saying so.
func tortureRuntimeRepair(t *testing.T, tl tool) {
	tr := genTree(t, 2, 5)
	tl.mustRun(t, 0, tr.root)
	rt := filepath.Join(tr.root, "pkg1", "_telemetry_utils.py")
	if err := os.Remove(rt); err != nil {
		t.Fatal(err)
	}
	if n := tr.importFailures(t); n != 5 {
		t.Fatalf("%d modules fail to import without their runtime, want 5", n)
	}
	tl.mustRun(t, 0, tr.root)
	if n := tr.importFailures(t); n != 0 {
		t.Fatalf("runtime not written back: %d modules fail to import", n)
	}
	b, _ := os.ReadFile(rt)
	if err := os.WriteFile(rt, append(b, "# my tweak\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	r := tl.mustRun(t, 3, tr.root)
	if !strings.Contains(r.stderr, "pkg1/_telemetry_utils.py is telemetry-inject's runtime file, changed since it was written") {
		t.Errorf("edited runtime not reported:\n%s", r.stderr)
	}
	if got, _ := os.ReadFile(rt); !bytes.HasSuffix(got, []byte("# my tweak\n")) {
		t.Error("the edited runtime was overwritten")
	}
}

// tortureFormatter runs the real black over instrumented files, which
// rewraps the long injected lines, then --remove: whatever it can or
// cannot take out, every module must still import (issue 9, point 8).
func tortureFormatter(t *testing.T, tl tool) {
	black, err := exec.LookPath("black")
	if err != nil {
		t.Skip("black not installed")
	}
	tr := genTree(t, 2, 10)
	tl.mustRun(t, 0, tr.root)
	var formatted []string
	for rel := range tr.orig {
		if strings.HasPrefix(rel, "pkg0/") {
			formatted = append(formatted, filepath.Join(tr.root, rel))
		}
	}
	if out, err := exec.Command(black, append([]string{"-q"}, formatted...)...).CombinedOutput(); err != nil {
		t.Fatalf("black: %v\n%s", err, out)
	}
	r := tl.run(t, tr.root, "--remove")
	if r.code != 0 && r.code != 3 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	stranded := tr.importFailures(t)
	still := 0
	for rel := range tr.orig {
		if bytes.Contains(tr.read(t, rel), []byte("_telemetry_utils")) {
			still++
		}
	}
	t.Logf("TORTURE formatter: %d files reformatted by black, --remove exit %d, files still importing the runtime %d, stranded imports %d", len(formatted), r.code, still, stranded)
	if stranded > 0 || (still > 0) != (r.code == 3) {
		t.Fatalf("stranded %d, still importing %d, exit %d\n%s", stranded, still, r.code, r.stderr)
	}
}

// tortureInPlaceKills kills --force runs over hard-linked files, which are
// rewritten in place (not atomically, with a backup): whatever a kill
// leaves, the next run puts torn files back from their backups, so after
// it every file is fully instrumented, every link intact, and a final
// --remove gives back the original bytes.
func tortureInPlaceKills(t *testing.T, tl tool) {
	tr := genTree(t, 1, 40)
	ref, took := tr.reference(t, tl)
	for rel := range tr.orig {
		if err := os.Link(filepath.Join(tr.root, rel), filepath.Join(tr.root, rel+".link")); err != nil {
			t.Fatal(err)
		}
	}
	tornAfterKill := 0
	for i := 0; i < 6; i++ {
		args := []string{tr.root, "--force"}
		if i%3 == 2 {
			args = append(args, "--remove")
		}
		cmd, _, _ := tl.command(args...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rand.Int64N(int64(took))))
		_ = cmd.Process.Signal(syscall.SIGKILL)
		_ = cmd.Wait()
		_, _, torn := tr.census(t, ref)
		tornAfterKill += torn
	}
	tl.mustRun(t, 0, tr.root, "--force")
	split := 0
	for rel := range tr.orig {
		link, _ := os.ReadFile(filepath.Join(tr.root, rel+".link"))
		if !bytes.Equal(link, tr.read(t, rel)) {
			split++
		}
	}
	_, inst, _ := tr.census(t, ref)
	left := tr.tempFiles(t)
	t.Logf("TORTURE in-place kills: 6 kills over %d hard-linked files, torn right after a kill %d (put back by the next run), instrumented %d, split links %d, leftover temp files %d", len(tr.orig), tornAfterKill, inst, split, len(left))
	if inst != len(tr.orig) || split > 0 || len(left) > 0 {
		t.Fatalf("instrumented %d of %d, %d split links, left %v", inst, len(tr.orig), split, left)
	}
	tl.mustRun(t, 0, tr.root, "--remove", "--force")
	for rel, want := range tr.orig {
		if !bytes.Equal(tr.read(t, rel), want) {
			t.Errorf("%s not restored", rel)
		}
	}
}
