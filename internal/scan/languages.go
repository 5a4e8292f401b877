package scan

import (
	"path"
	"strings"

	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// Language is what the scan reads of one source language: which files are
// its source and which are the tool's own runtime files. The command line
// builds these from the languages it supports, so the scan names none.
type Language struct {
	// Name is the language of the files found.
	Name source.Language
	// Title is how reports spell the language ("TypeScript").
	Title string
	// Extensions are the file extensions, with the dot, in lower case.
	Extensions []string
	// TSXExtensions are the Extensions whose files need the TSX grammar.
	TSXExtensions []string
	// RuntimePrefixes are base-name prefixes of runtime files
	// ("_telemetry_utils." covers .py, .js, .d.ts...).
	RuntimePrefixes []string
	// RuntimeNames are exact names of runtime files, matched by their
	// base names (a name may start with the folder it lives in).
	RuntimeNames []string
	// RuntimeMarker is text every instrumented file holds near its top:
	// a file over the size limit that holds it is scanned all the same.
	RuntimeMarker string
	// Minifiable says long average lines mean a minified bundle, skipped.
	Minifiable bool
	// Declarations are file-name suffixes, in lower case, of files that
	// only declare types (".d.ts"), skipped.
	Declarations []string
	// ModuleExtensions fix the module system of files with these
	// extensions, in lower case.
	ModuleExtensions map[string]source.Module
	// PackageModule says the nearest package.json's "type" decides the
	// module system of the other files.
	PackageModule bool
}

// Languages is the set of languages a Walk looks for.
type Languages []Language

// of returns the language of a file name from its extension, and whether
// it needs the TSX grammar; ok is false for other files (the language is
// then the zero Language).
func (ls Languages) of(name string) (lang *Language, tsx, ok bool) {
	ext := strings.ToLower(path.Ext(name))
	for i, l := range ls {
		for _, e := range l.Extensions {
			if e == ext {
				for _, x := range l.TSXExtensions {
					tsx = tsx || x == ext
				}
				return &ls[i], tsx, true
			}
		}
	}
	return &Language{}, false, false
}

// declaration reports whether a base name is one of the language's
// declaration-only files.
func (l *Language) declaration(base string) bool {
	lower := strings.ToLower(base)
	for _, d := range l.Declarations {
		if strings.HasSuffix(lower, d) {
			return true
		}
	}
	return false
}

// IsRuntimeFile reports whether a file name is one of the tool's runtime
// files in any of the languages, which are never scanned wherever they
// stand, whatever their extension says.
func (ls Languages) IsRuntimeFile(name string) bool {
	base := path.Base(strings.ReplaceAll(name, `\`, "/"))
	for _, l := range ls {
		for _, p := range l.RuntimePrefixes {
			if strings.HasPrefix(base, p) {
				return true
			}
		}
		for _, n := range l.RuntimeNames {
			if base == path.Base(n) { // a name may start with its folder
				return true
			}
		}
	}
	return false
}

// notSource is the reason a file named on the command line without a
// language's extension is skipped: "not a Python, JavaScript or Go file".
func (ls Languages) notSource() string {
	var titles []string
	for _, l := range ls {
		titles = append(titles, l.Title)
	}
	switch len(titles) {
	case 0:
		return "not a source file"
	case 1:
		return "not a " + titles[0] + " file"
	}
	return "not a " + strings.Join(titles[:len(titles)-1], ", ") + " or " + titles[len(titles)-1] + " file"
}
