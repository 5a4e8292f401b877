package prompt

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// Truncate shortens code to about maxTokens tokens (see EstimateTokens) by
// eliding its middle: a function's signature and first statements, and its
// last statements and returns, say the most about it. Cuts fall on line
// boundaries where possible, and a marker line says how much is missing.
// Code within the budget is returned unchanged.
func Truncate(code string, maxTokens int) string {
	budget := maxTokens * 4
	if budget <= 0 || len(code) <= budget {
		return code
	}
	headLen := budget * 2 / 3
	tailLen := budget - headLen
	head := code[:cutBack(code, headLen)]
	if i := strings.LastIndexByte(head, '\n'); i > 0 {
		head = head[:i+1]
	}
	tailStart := cutForward(code, len(code)-tailLen)
	if i := strings.IndexByte(code[tailStart:], '\n'); i >= 0 && tailStart+i+1 < len(code) {
		tailStart += i + 1
	}
	if tailStart < len(head) {
		tailStart = len(head)
	}
	elided := code[len(head):tailStart]
	var b strings.Builder
	b.WriteString(head)
	if !strings.HasSuffix(head, "\n") {
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "... [%d lines, %d bytes elided by telemetry-inject] ...\n",
		strings.Count(elided, "\n")+1, len(elided))
	b.WriteString(code[tailStart:])
	return b.String()
}

// cutBack moves i back to a rune boundary.
func cutBack(s string, i int) int {
	for i > 0 && i < len(s) && !utf8.RuneStart(s[i]) {
		i--
	}
	return i
}

// cutForward moves i forward to a rune boundary.
func cutForward(s string, i int) int {
	for i < len(s) && !utf8.RuneStart(s[i]) {
		i++
	}
	return i
}

// Header lines of functions, by language. They need only be good enough to
// give a loop or a variable the signature of the function around it; the
// answer does not depend on them being exact.
var (
	pyHeader   = regexp.MustCompile(`^\s*(async\s+)?def\s`)
	goHeader   = regexp.MustCompile(`^\s*func\b|\bfunc\s*\(`)
	jsFunction = regexp.MustCompile(`\bfunction\b|=>`)
	jsMethod   = regexp.MustCompile(`^\s*((static|async|get|set|public|private|protected|readonly|override)\s+|\*\s*)*[#$\w]+\s*(<[^>]*>)?\s*\(`)
	jsControl  = regexp.MustCompile(`^\s*(\}\s*)?(if|for|while|switch|catch|with|return|else|do|try|await|yield|new|throw)\b`)
)

// maxHeaderLines bounds a multi-line signature.
const maxHeaderLines = 8

// enclosingHeader finds the header of the function around a loop or a
// variable: going up from the construct, the nearest less indented line
// that opens a function. It returns the header (with continuation lines of
// a multi-line signature) and its 1-based line, or "" when none is found.
func enclosingHeader(f *source.File, c *source.Construct) (string, int) {
	if c.Range.StartLine < 2 {
		return "", 0
	}
	lines := strings.Split(string(f.Src), "\n")
	first := c.Range.StartLine - 1 // 0-based index of the construct's line
	if first >= len(lines) {
		return "", 0
	}
	cur := indentWidth(lines[first])
	for i := first - 1; i >= 0 && cur > 0; i-- {
		line := strings.TrimRight(lines[i], "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		ind := indentWidth(line)
		if ind >= cur {
			continue
		}
		if t := strings.TrimSpace(line); t[0] == ')' || t[0] == ']' {
			// The closing line of a multi-line signature: its header is
			// indented like it.
			cur = ind + 1
			continue
		}
		if isHeader(line, c.Lang) {
			return signature(lines[i:]), i + 1
		}
		cur = ind
	}
	return "", 0
}

func isHeader(line string, lang source.Language) bool {
	switch lang {
	case source.Python:
		return pyHeader.MatchString(line)
	case source.Go:
		return goHeader.MatchString(line)
	}
	if jsControl.MatchString(line) {
		return false
	}
	return jsFunction.MatchString(line) || jsMethod.MatchString(line)
}

// signature returns a header line plus the lines that continue it while
// its brackets are open.
func signature(lines []string) string {
	var out []string
	depth := 0
	for i, line := range lines {
		if i == maxHeaderLines {
			break
		}
		line = strings.TrimRight(line, "\r")
		out = append(out, line)
		depth += strings.Count(line, "(") + strings.Count(line, "[") - strings.Count(line, ")") - strings.Count(line, "]")
		if depth <= 0 {
			break
		}
	}
	return strings.Join(out, "\n")
}

// indentWidth counts a line's leading spaces and tabs.
func indentWidth(line string) int {
	return len(line) - len(strings.TrimLeft(line, " \t"))
}
