package utilfiles

import (
	_ "embed"
	"strings"
)

// goSource is the Go runtime, kept as a real package (goruntime) so that the
// repository's own build, vet and tests compile and exercise it; goAPI is
// what the shared runtime package adds to it.
//
//go:embed goruntime/zz_telemetry_utils.go
var goSource string

//go:embed goruntime/api.go
var goAPI string

// GoFileName is the name of the Go runtime file: the one file of the shared
// runtime package, and the per-package copy's. The go tool ignores files
// whose names start with "_", so the Go runtime cannot be
// _telemetry_utils.go; "zz_" sorts it last, where generated files usually
// stand.
const GoFileName = "zz_telemetry_utils.go"

// GoPackageDir is the folder of the shared runtime package at a module's
// root. Its leading "_" keeps it out of the go tool's ./... patterns (go
// build, vet and test list the same packages as before), yet an explicit
// import of it builds.
const GoPackageDir = "_telemetry_utils"

// goClause is the package clause the runtime's sources are written with.
const goClause = "\npackage goruntime\n"

// Go returns the content of zz_telemetry_utils.go for the package named pkg.
func Go(pkg string) []byte {
	return []byte(strings.Replace(goSource, goClause, "\npackage "+pkg+"\n", 1))
}

// goAPIImport is api.go's import, which the runtime has too.
const goAPIImport = "import _telemetry_utils_context \"context\" // the runtime's own import, as it names it\n"

// GoPackage returns the content of the shared runtime package's one file:
// the runtime under the package name GoPackageDir, then the declarations
// of its API.
func GoPackage() []byte {
	_, api, ok := strings.Cut(goAPI, goClause[1:]+"\n"+goAPIImport)
	if !ok || !strings.Contains(goSource, "\n\t_telemetry_utils_context \"context\"\n") {
		panic("utilfiles: goruntime/api.go does not start with its package clause and the runtime's context import")
	}
	return append(Go(GoPackageDir), api...)
}
