package layout

import (
	"archive/tar"
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestShipWithRealNpmPack builds packages whose "files" list or .npmignore
// leaves the runtime out, checks with the real `npm pack` that the tarball
// then lacks it and that a require of the unpacked package fails, applies
// Ship, packs again, requires the unpacked package with real node, and
// finally checks that Unship gives back the original file byte for byte.
func TestShipWithRealNpmPack(t *testing.T) {
	npm, err := exec.LookPath("npm")
	if err != nil {
		t.Skip("npm is not on PATH")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not on PATH")
	}
	index := "const rt = require('./_telemetry_utils.js');\nmodule.exports = rt.ok;\n"
	cases := []struct {
		name      string
		pkg       string
		npmignore string // "" for none
		edits     string // the file Ship must edit
	}{
		{"files one a line", "{\n  \"name\": \"p1\",\n  \"version\": \"1.0.0\",\n  \"main\": \"index.js\",\n  \"files\": [\n    \"index.js\"\n  ]\n}\n", "", PackageJSON},
		{"files inline", `{"name": "p2", "version": "1.0.0", "main": "index.js", "files": ["index.js", "README.md"]}`, "", PackageJSON},
		{"files empty", "{\r\n  \"name\": \"p3\",\r\n  \"version\": \"1.0.0\",\r\n  \"main\": \"index.js\",\r\n  \"files\": []\r\n}\r\n", "", PackageJSON},
		{"npmignore", `{"name": "p4", "version": "1.0.0", "main": "index.js"}`, "# build noise\n_*.js\n*.log", NpmIgnore},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			pkgDir := filepath.Join(dir, "pkg")
			write(t, filepath.Join(pkgDir, "package.json"), c.pkg)
			write(t, filepath.Join(pkgDir, "index.js"), index)
			write(t, filepath.Join(pkgDir, "_telemetry_utils.js"), "module.exports = { ok: 'runtime loaded' };\n")
			var ignore []byte
			if c.npmignore != "" {
				ignore = []byte(c.npmignore)
				write(t, filepath.Join(pkgDir, ".npmignore"), c.npmignore)
			}
			if got := pack(t, npm, pkgDir, filepath.Join(dir, "before")); requireOK(t, node, got) {
				t.Fatalf("the runtime shipped before Ship: the case tests nothing")
			}
			edit, ok, err := Ship([]byte(c.pkg), ignore, "_telemetry_utils.js")
			if err != nil || !ok || edit.File != c.edits {
				t.Fatalf("Ship = %q, %v, %v; want an edit of %s", edit.File, ok, err, c.edits)
			}
			write(t, filepath.Join(pkgDir, edit.File), string(edit.Content))
			if got := pack(t, npm, pkgDir, filepath.Join(dir, "after")); !requireOK(t, node, got) {
				t.Fatalf("require of the packed package fails after Ship; %s now:\n%s", edit.File, edit.Content)
			}
			if again, ok, _ := Ship(edit.Content, nil, "_telemetry_utils.js"); edit.File == PackageJSON && (ok || again.File != "") {
				t.Errorf("Ship edits again what it already edited")
			}
			orig := c.pkg
			if edit.File == NpmIgnore {
				orig = c.npmignore
			}
			back, found, err := Unship(edit.File, edit.Content, "_telemetry_utils.js")
			if err != nil || !found || string(back) != orig {
				t.Errorf("Unship = %q, %v, %v; want the original %q", back, found, err, orig)
			}
		})
	}
}

func TestShipLeavesWhatShipsAlone(t *testing.T) {
	for _, c := range []struct{ pkg, ignore string }{
		{`{"name": "a", "files": ["*.js"]}`, ""},
		{`{"name": "a", "files": ["./"]}`, ""},
		{`{"name": "a", "files": ["lib", "_telemetry_utils.js"]}`, ""},
		{`{"name": "a"}`, "node_modules\n*.log\n"},
		{`{"name": "a"}`, ""},
	} {
		var ignore []byte
		if c.ignore != "" {
			ignore = []byte(c.ignore)
		}
		if e, ok, err := Ship([]byte(c.pkg), ignore, "_telemetry_utils.js"); ok || err != nil {
			t.Errorf("%s / %q: Ship wants to edit %s (%v)", c.pkg, c.ignore, e.File, err)
		}
	}
	if _, ok, err := Ship([]byte(`{"files": ["lib", "!_telemetry_utils.js", "*.js"]}`), nil, "_telemetry_utils.js"); ok || err != nil {
		t.Errorf("a later glob re-includes the runtime, yet Ship edits (%v)", err)
	}
	if _, ok, _ := Ship([]byte(`{"files": ["*.js", "!_telemetry_utils.js"]}`), nil, "_telemetry_utils.js"); !ok {
		t.Errorf("an exclusion after the glob leaves the runtime out, yet Ship does nothing")
	}
}

// pack runs npm pack in pkg, unpacks the tarball under dest and returns
// the unpacked package folder.
func pack(t *testing.T, npm, pkg, dest string) string {
	t.Helper()
	if err := os.MkdirAll(dest, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), npm, "pack", "--json", "--pack-destination", dest)
	cmd.Dir = pkg
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("npm pack: %v\n%s", err, out)
	}
	var res []struct {
		Filename string `json:"filename"`
	}
	if err := json.Unmarshal(out, &res); err != nil || len(res) != 1 {
		t.Fatalf("npm pack --json: %v\n%s", err, out)
	}
	f, err := os.Open(filepath.Join(dest, res[0].Filename))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dest, filepath.FromSlash(h.Name))
		if !strings.HasPrefix(p, dest+string(filepath.Separator)) || h.Typeflag != tar.TypeReg {
			continue
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		write(t, p, string(b))
	}
	return filepath.Join(dest, "package")
}

// requireOK requires the unpacked package with real node.
func requireOK(t *testing.T, node, dir string) bool {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), node, "-e", "if (require(process.argv[1]) !== 'runtime loaded') process.exit(3)", dir)
	return cmd.Run() == nil
}

func write(t *testing.T, p, s string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestShipRuntimeOnDisk checks the disk form: a package whose "files"
// leaves the runtime out gets it added, and UnshipRuntime restores the
// package.json byte for byte, keeping its mode.
func TestShipRuntimeOnDisk(t *testing.T) {
	dir := t.TempDir()
	pkg := "{\n\t\"name\": \"d\",\n\t\"files\": [\n\t\t\"lib\"\n\t]\n}\n"
	write(t, filepath.Join(dir, "package.json"), pkg)
	if err := os.Chmod(filepath.Join(dir, "package.json"), 0o600); err != nil {
		t.Fatal(err)
	}
	rt := filepath.Join(dir, "_telemetry_utils.cjs")
	edited, err := ShipRuntime(rt)
	if err != nil || edited != filepath.Join(dir, "package.json") {
		t.Fatalf("ShipRuntime = %q, %v", edited, err)
	}
	b, _ := os.ReadFile(edited)
	if want := "{\n\t\"name\": \"d\",\n\t\"files\": [\n\t\t\"lib\",\n\t\t\"_telemetry_utils.cjs\"\n\t]\n}\n"; string(b) != want {
		t.Errorf("package.json after ShipRuntime:\n%s\nwant:\n%s", b, want)
	}
	if _, err := UnshipRuntime(rt); err != nil {
		t.Fatal(err)
	}
	b, _ = os.ReadFile(edited)
	info, _ := os.Stat(edited)
	if string(b) != pkg || info.Mode().Perm() != 0o600 {
		t.Errorf("after UnshipRuntime (mode %v):\n%s", info.Mode(), b)
	}
	if e, err := ShipRuntime(filepath.Join(t.TempDir(), "_telemetry_utils.js")); e != "" || err != nil {
		t.Errorf("no package.json: ShipRuntime = %q, %v", e, err)
	}
}

// TestShipRuntimeWritesPackageFilesAsSources: package.json is the user's
// file like the sources: a symbolic link (a monorepo's shared
// package.json) stays a link and its target is not edited behind the
// user's back, hard links are not split, and a read-only file is left
// alone. Each was replaced by a plain file of our own before.
func TestShipRuntimeWritesPackageFilesAsSources(t *testing.T) {
	pkg := "{\n  \"name\": \"d\",\n  \"files\": [\"index.js\"]\n}\n"
	for _, c := range []struct {
		name string
		make func(t *testing.T, dir, shared string)
	}{
		{"symbolic link", func(t *testing.T, dir, shared string) {
			if err := os.Symlink(shared, filepath.Join(dir, "package.json")); err != nil {
				t.Fatal(err)
			}
		}},
		{"hard link", func(t *testing.T, dir, shared string) {
			if err := os.Link(shared, filepath.Join(dir, "package.json")); err != nil {
				t.Fatal(err)
			}
		}},
		{"read-only", func(t *testing.T, dir, shared string) {
			write(t, filepath.Join(dir, "package.json"), pkg)
			if err := os.Chmod(filepath.Join(dir, "package.json"), 0o444); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			base := t.TempDir()
			shared := filepath.Join(base, "shared-package.json")
			write(t, shared, pkg)
			dir := filepath.Join(base, "pkg")
			if err := os.Mkdir(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			c.make(t, dir, shared)
			before, err := os.Lstat(filepath.Join(dir, "package.json"))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := ShipRuntime(filepath.Join(dir, "_telemetry_utils.js")); err == nil {
				t.Error("ShipRuntime wrote a package.json it must leave alone")
			}
			after, err := os.Lstat(filepath.Join(dir, "package.json"))
			if err != nil || !os.SameFile(before, after) || after.Mode() != before.Mode() {
				t.Fatalf("package.json was replaced: %v → %v (%v)", before.Mode(), after.Mode(), err)
			}
			for _, p := range []string{shared, filepath.Join(dir, "package.json")} {
				if b, _ := os.ReadFile(p); string(b) != pkg {
					t.Errorf("%s now reads %q", p, b)
				}
			}
		})
	}
}
