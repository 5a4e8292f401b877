package golang

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"

	"github.com/telemetry-inject/telemetry-inject/internal/inject"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// errResult is the name the renderer gives a function's unnamed error
// result, so that the deferred end call can read what the function
// returns.
const errResult = runtimePrefix + "err"

// errorResult returns the pointer to c's last result that the deferred
// end call reads, when that result is of type error, with the edits that
// name the results when they are unnamed; "" when there is nothing to
// read.
//
// A deferred call sees a function's results only through their names. A
// named error result is passed as it is (&err). Unnamed results are named
// _telemetry_utils_r0, _telemetry_utils_r1... and _telemetry_utils_err:
// result names are not part of a function's type, a return statement with
// values assigns to the results either way, every result still starts as
// its zero value, and a body written for unnamed results has no bare
// return that the names could change. The names start with the runtime's
// prefix, which no program uses, so they shadow nothing. A last result
// named _ cannot be read and is left alone, as is a result type spelled
// other than error (a named error interface or a concrete error type: the
// function may return a typed nil).
func errorResult(src []byte, c *source.Construct) (string, []inject.Edit) {
	if c.Range.Start < 0 || c.Anchor.BodyStart <= c.Range.Start || c.Anchor.BodyStart > len(src) {
		return "", nil
	}
	head := string(src[c.Range.Start:c.Anchor.BodyStart])
	ft, fset, prefix := funcType(head)
	if ft == nil || ft.Results == nil || len(ft.Results.List) == 0 {
		return "", nil
	}
	fields := ft.Results.List
	last := fields[len(fields)-1]
	if id, ok := last.Type.(*ast.Ident); !ok || id.Name != "error" {
		return "", nil
	}
	if n := len(last.Names); n > 0 {
		if last.Names[n-1].Name == "_" {
			return "", nil
		}
		return "&" + last.Names[n-1].Name, nil
	}
	at := func(p token.Pos) int { return c.Range.Start + fset.Position(p).Offset - prefix }
	var edits []inject.Edit
	for i, f := range fields {
		name := runtimePrefix + "r" + strconv.Itoa(i)
		if i == len(fields)-1 {
			name = errResult
		}
		if i == 0 && !ft.Results.Opening.IsValid() {
			// func f() error: the one result gains its parentheses.
			name = "(" + name
		}
		edits = append(edits, inject.Edit{At: at(f.Type.Pos()), New: markOpen + name + " " + markClose})
	}
	if !ft.Results.Opening.IsValid() {
		edits = append(edits, inject.Edit{At: at(last.Type.End()), New: markOpen + ")" + markClose, Seq: -1})
	}
	return "&" + errResult, edits
}

// funcType parses the head of a function declaration or literal (from
// func to the body's opening brace) behind a synthetic prefix, and returns
// its type, the positions' file set and the prefix's length.
func funcType(head string) (*ast.FuncType, *token.FileSet, int) {
	const pkg = "package p\n"
	fset := token.NewFileSet()
	if f, err := parser.ParseFile(fset, "h.go", pkg+head+"}", parser.SkipObjectResolution); err == nil && len(f.Decls) == 1 {
		if fd, ok := f.Decls[0].(*ast.FuncDecl); ok {
			return fd.Type, fset, len(pkg)
		}
	}
	const lit = pkg + "var _ = "
	f, err := parser.ParseFile(fset, "h.go", lit+head+"}", parser.SkipObjectResolution)
	if err != nil || len(f.Decls) != 1 {
		return nil, nil, 0
	}
	if gd, ok := f.Decls[0].(*ast.GenDecl); ok && len(gd.Specs) == 1 {
		if vs, ok := gd.Specs[0].(*ast.ValueSpec); ok && len(vs.Values) == 1 {
			if fl, ok := vs.Values[0].(*ast.FuncLit); ok {
				return fl.Type, fset, len(lit)
			}
		}
	}
	return nil, nil, 0
}
