package layout

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/telemetry-inject/telemetry-inject/internal/atomicfile"
)

// ShipRuntime makes the JavaScript runtime file at runtimeAbs ship with
// the package whose root holds it (see Ship): after the runtime is
// written, it edits that folder's package.json or .npmignore when they
// leave the runtime out of `npm pack`. It returns the file it edited, ""
// when none needed it (no package.json there, or the runtime ships). The
// pipeline calls it next to writing the runtime file of a language whose
// runtime npm must publish (lang.Language.NPMPublished: JavaScript, not
// TypeScript, whose runtime ships compiled), and UnshipRuntime next to
// deleting one.
func ShipRuntime(runtimeAbs string) (string, error) {
	dir, rel := filepath.Split(runtimeAbs)
	pkg, err := os.ReadFile(filepath.Join(dir, PackageJSON))
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("reading package.json to see what npm publishes: %w", err)
	}
	ignore, err := os.ReadFile(filepath.Join(dir, NpmIgnore))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("reading .npmignore: %w", err)
	}
	edit, ok, err := Ship(pkg, ignore, rel)
	if err != nil || !ok {
		return "", err
	}
	p := filepath.Join(dir, edit.File)
	before := pkg
	if edit.File == NpmIgnore {
		before = ignore
	}
	if err := rewrite(p, before, edit.Content); err != nil {
		return "", fmt.Errorf("adding the runtime to %s so that npm publishes it: %w", p, err)
	}
	return p, nil
}

// UnshipRuntime takes out what ShipRuntime added for the runtime at
// runtimeAbs and returns the file it edited, "" when it found nothing.
func UnshipRuntime(runtimeAbs string) (string, error) {
	dir, rel := filepath.Split(runtimeAbs)
	for _, name := range []string{PackageJSON, NpmIgnore} {
		p := filepath.Join(dir, name)
		b, err := os.ReadFile(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return "", err
		}
		out, found, err := Unship(name, b, rel)
		if err != nil {
			return "", err
		}
		if found {
			if err := rewrite(p, b, out); err != nil {
				return "", fmt.Errorf("taking the runtime out of %s: %w", p, err)
			}
			return p, nil
		}
	}
	return "", nil
}

// rewrite replaces p's content, before, with after. package.json and
// .npmignore are the user's files like the sources, so they are written
// the way sources are: only if they still hold what was read, keeping owner
// and mode, never replacing a symbolic link (a monorepo's shared
// package.json) or splitting hard links.
func rewrite(p string, before, after []byte) error {
	return atomicfile.Replace(p, before, after, atomicfile.ReplaceOptions{})
}
