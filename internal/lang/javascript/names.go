package javascript

import (
	"encoding/json"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/telemetry-inject/telemetry-inject/internal/lang/treesitter"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// moduleName is the module part of a file's QualNames: the name of the
// npm package the file belongs to (its nearest package.json with a
// "name") and the file's path inside that package without its extension,
// as it would be imported ("express/lib/router" for
// express/lib/router/index.js). A file in no named package keeps its
// path from the scanned root, dotted ("src.app"). Either way the name
// depends only on where the file is, never on what else the run saw.
func moduleName(f *source.File) string {
	if f.Abs == "" || !filepath.IsAbs(f.Abs) {
		return modulePath(f.Path)
	}
	for dir := filepath.Dir(f.Abs); ; dir = filepath.Dir(dir) {
		if name, ok := packageName(filepath.Join(dir, "package.json")); ok {
			rel, err := filepath.Rel(dir, f.Abs)
			if err != nil {
				break
			}
			rel = filepath.ToSlash(rel)
			rel = strings.TrimSuffix(rel, path.Ext(rel))
			rel = strings.TrimSuffix(strings.TrimSuffix(rel, "index"), "/")
			if rel == "" {
				return name
			}
			return name + "/" + rel
		}
		if filepath.Dir(dir) == dir {
			break
		}
	}
	return modulePath(f.Path)
}

// packageName reads the "name" of a package.json; ok is false when the
// file is missing or has no name (a private workspace root, say).
func packageName(p string) (string, bool) {
	b, err := os.ReadFile(p)
	if err != nil {
		return "", false
	}
	var pj struct {
		Name string `json:"name"`
	}
	if json.Unmarshal(b, &pj) != nil || pj.Name == "" {
		return "", false
	}
	return pj.Name, true
}

// modulePath turns a file path into the dotted module part of QualNames.
func modulePath(p string) string {
	p = strings.Trim(strings.TrimSuffix(p, path.Ext(p)), "/")
	return strings.ReplaceAll(p, "/", ".")
}

// httpMethods are the route methods of Express-style routers.
var httpMethods = map[string]bool{
	"get": true, "post": true, "put": true, "delete": true, "patch": true, "head": true, "options": true, "all": true,
}

// callbackName names a function passed as an argument after the call:
// a route (`app.get('/users', fn)` is "GET /users"), an event
// (`s.on('data', fn)` is "on data"), any call with a leading string
// (`describe('parser', fn)` is "describe parser"), else the callee
// (`items.map(fn)` is "map callback", `new Promise(fn)` "Promise
// callback"); an immediately invoked function is "iife". It returns ""
// when the function is not an argument.
func (w *walker) callbackName(n *treesitter.Node) string {
	p := n.Parent()
	for p != nil && p.Kind() == "parenthesized_expression" {
		n, p = p, p.Parent()
	}
	if p == nil {
		return ""
	}
	if p.Kind() == "call_expression" {
		if fn := p.ChildByFieldName("function"); fn != nil && fn.StartByte() == n.StartByte() && fn.EndByte() == n.EndByte() {
			return "iife"
		}
	}
	if p.Kind() != "arguments" || p.Parent() == nil {
		return ""
	}
	call := p.Parent()
	field := "function"
	if call.Kind() == "new_expression" {
		field = "constructor"
	}
	callee := w.calleeName(call.ChildByFieldName(field))
	if callee == "" {
		return ""
	}
	if first := p.NamedChild(0); first != nil && (first.StartByte() != n.StartByte()) {
		if s, ok := w.literalString(first); ok && s != "" {
			if httpMethods[callee] {
				return strings.ToUpper(callee) + " " + s
			}
			return callee + " " + s
		}
	}
	return callee + " callback"
}

// calleeName is the last name of a called expression: f, obj.method.
func (w *walker) calleeName(fn *treesitter.Node) string {
	if fn == nil {
		return ""
	}
	switch fn.Kind() {
	case "identifier":
		return treesitter.Text(fn, w.src)
	case "member_expression":
		if prop := fn.ChildByFieldName("property"); prop != nil {
			return treesitter.Text(prop, w.src)
		}
	}
	return ""
}

// literalString returns the value of a string literal or a template
// without substitutions, on one line and at most 80 bytes.
func (w *walker) literalString(n *treesitter.Node) (string, bool) {
	text := treesitter.Text(n, w.src)
	var s string
	switch n.Kind() {
	case "string":
		u, err := strconv.Unquote(`"` + strings.ReplaceAll(text[1:len(text)-1], `"`, `\"`) + `"`)
		if err != nil {
			u = text[1 : len(text)-1]
		}
		s = u
	case "template_string":
		if n.NamedChildCount() > 0 && strings.Contains(text, "${") {
			return "", false
		}
		s = text[1 : len(text)-1]
	default:
		return "", false
	}
	if len(s) > 80 || strings.ContainsAny(s, "\n\r") {
		return "", false
	}
	return s, true
}
