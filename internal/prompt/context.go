package prompt

import (
	"fmt"
	"strings"
	"unicode/utf8"
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

// maxHeaderLines bounds a multi-line signature (lang.Header's bound too).
const maxHeaderLines = 8
