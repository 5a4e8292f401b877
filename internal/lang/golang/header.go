package golang

import (
	"bytes"
	"regexp"
	"strings"

	"github.com/telemetry-inject/telemetry-inject/internal/lang/treesitter"
)

// generated matches the line that marks a generated Go file
// (https://go.dev/s/generatedcode).
var generated = regexp.MustCompile(`(?m)^// Code generated .* DO NOT EDIT\.\r?$`)

// The opt-out directives, written "//telemetry-inject:ignore" (the Go
// directive style) or "// telemetry-inject: ignore" (the other languages').
const (
	ignoreReason   = "opted out with //telemetry-inject:ignore"
	ignoreFileSkip = "file opted out with //telemetry-inject:ignore-file"
)

// header reads the package clause, the imports and the comments, and sets
// fileSkip when the file as a whole must be left alone.
func (fd *finder) header(root *node) {
	head := fd.src
	for i := uint(0); i < root.NamedChildCount(); i++ {
		n := root.NamedChild(i)
		switch n.Kind() {
		case "package_clause":
			head = fd.src[:n.StartByte()]
			for j := uint(0); j < n.NamedChildCount(); j++ {
				if c := n.NamedChild(j); c.Kind() == "package_identifier" {
					fd.pkg = treesitter.Text(c, fd.src)
				}
			}
		case "import_declaration":
			fd.imports(n)
		case "comment":
			fd.comment(n)
		}
	}
	switch {
	case generated.Match(head):
		fd.fileSkip = "generated file (// Code generated ... DO NOT EDIT.)"
	case buildIgnore(head):
		fd.fileSkip = "file excluded from builds (//go:build ignore)"
	case strings.HasSuffix(fd.pkg, "_test"):
		fd.fileSkip = "external test package: it cannot see the package's runtime file"
	case strings.HasSuffix(fd.f.Path, "_test.go"):
		fd.fileSkip = "Go test file"
	}
	if fd.fileSkip == "" && bytes.Contains(fd.src, []byte("telemetry-inject")) {
		fd.directives(root)
	}
}

// buildIgnore reports whether a file's header excludes it from every build
// with the conventional "ignore" tag (generators run with go run).
func buildIgnore(head []byte) bool {
	for _, line := range strings.Split(string(head), "\n") {
		line = strings.TrimSpace(line)
		if expr, ok := strings.CutPrefix(line, "//go:build "); ok {
			return strings.TrimSpace(expr) == "ignore"
		}
		if expr, ok := strings.CutPrefix(line, "// +build "); ok && strings.TrimSpace(expr) == "ignore" {
			return true
		}
	}
	return false
}

func (fd *finder) imports(decl *node) {
	var specs []*node
	var walk func(n *node)
	walk = func(n *node) {
		for i := uint(0); i < n.NamedChildCount(); i++ {
			c := n.NamedChild(i)
			switch c.Kind() {
			case "import_spec":
				specs = append(specs, c)
			case "import_spec_list":
				walk(c)
			}
		}
	}
	walk(decl)
	for _, s := range specs {
		path := s.ChildByFieldName("path")
		if path == nil {
			continue
		}
		p := strings.Trim(treesitter.Text(path, fd.src), "\"`")
		name := s.ChildByFieldName("name")
		switch {
		case p == "C":
			fd.fileSkip = "cgo file (import \"C\"): left alone"
		case p == "context" && name == nil:
			fd.ctxName = "context"
		case p == "context" && name.Kind() == "package_identifier":
			fd.ctxName = treesitter.Text(name, fd.src)
		}
	}
}

// directives records the lines of ignore directives anywhere in the file.
func (fd *finder) directives(root *node) {
	fd.ignored = map[int]bool{}
	var walk func(n *node)
	walk = func(n *node) {
		for i := uint(0); i < n.ChildCount(); i++ {
			c := n.Child(i)
			if c.Kind() == "comment" {
				fd.comment(c)
			} else if c.ChildCount() > 0 {
				walk(c)
			}
		}
	}
	walk(root)
}

func (fd *finder) comment(c *node) {
	text := treesitter.Text(c, fd.src)
	rest, ok := strings.CutPrefix(strings.TrimSpace(strings.TrimPrefix(text, "//")), "telemetry-inject:")
	if !ok {
		return
	}
	switch d := strings.Fields(rest); {
	case len(d) > 0 && d[0] == "ignore-file":
		fd.fileSkip = ignoreFileSkip
	case len(d) > 0 && d[0] == "ignore":
		if fd.ignored == nil {
			fd.ignored = map[int]bool{}
		}
		fd.ignored[int(c.StartPosition().Row)] = true
	}
}

// compilerDirective returns the first //go: directive in the comment lines
// right above a declaration starting at start, other than //go:noinline,
// or "". //go:nosplit functions must fit a tiny stack, which a defer
// statement may exceed; //go:norace, //go:nocheckptr and the runtime's
// own directives promise things about every call the body makes.
func compilerDirective(src []byte, start int) string {
	end := bytes.LastIndexByte(src[:start], '\n')
	for end > 0 {
		begin := bytes.LastIndexByte(src[:end], '\n') + 1
		line := bytes.TrimSpace(src[begin:end])
		if !bytes.HasPrefix(line, []byte("//")) {
			return ""
		}
		if d, ok := bytes.CutPrefix(line, []byte("//go:")); ok {
			if f := bytes.Fields(d); len(f) > 0 && string(f[0]) != "noinline" {
				return "//go:" + string(f[0])
			}
		}
		end = begin - 1
	}
	return ""
}
