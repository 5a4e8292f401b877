package prompt

import (
	"regexp"
	"strings"
)

// Redacted stands in, in a prompt, for a secret written into the source.
const Redacted = "[redacted]"

// secretShapes are the shapes of credentials that get hard-coded in source
// (the families the runtimes' redactors know): the code of every construct
// goes to the provider, and a key in a string literal is no business of a
// model deciding where spans go. Each is matched whole, so the literal
// around it, and the code's syntax, stay as they were.
var secretShapes = []*regexp.Regexp{
	regexp.MustCompile(`\b(?:sk-|sk_live_|sk_test_|rk_live_|rk_test_)[A-Za-z0-9_\-]{16,}`),
	regexp.MustCompile(`\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,}`),
	regexp.MustCompile(`\bgithub_pat_[A-Za-z0-9_]{20,}`),
	regexp.MustCompile(`\bglpat-[A-Za-z0-9_\-]{20,}`),
	regexp.MustCompile(`\bxox[abprs]-[A-Za-z0-9\-]{10,}`),
	regexp.MustCompile(`\bxapp-[A-Za-z0-9\-]{10,}`),
	regexp.MustCompile(`\bAIza[0-9A-Za-z_\-]{35}`),
	regexp.MustCompile(`\b(?:AKIA|ASIA)[0-9A-Z]{16}\b`),
	regexp.MustCompile(`\b(?:npm|hf)_[A-Za-z0-9]{30,}`),
	regexp.MustCompile(`\bSG\.[A-Za-z0-9_\-]{16,}\.[A-Za-z0-9_\-]{16,}`),
	regexp.MustCompile(`\beyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}`),
}

// Values that follow a marker: the marker stays, so the model still sees a
// URL with credentials or an Authorization header.
var (
	urlPassword = regexp.MustCompile(`(://[^/\s:@"'` + "`" + `]+:)[^@\s/"'` + "`" + `]+@`)
	bearerValue = regexp.MustCompile(`(?i)\b((?:bearer|basic)\s+)[A-Za-z0-9._~+/=\-]{12,}`)
	pemBlock    = regexp.MustCompile(`-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)`)
)

// scrub returns code with the secrets written into it replaced by
// Redacted. A private key block keeps its line breaks, so the code keeps
// its line count.
func scrub(code string) string {
	if code == "" {
		return code
	}
	code = pemBlock.ReplaceAllStringFunc(code, func(m string) string {
		return Redacted + strings.Repeat("\n", strings.Count(m, "\n"))
	})
	code = urlPassword.ReplaceAllString(code, "${1}"+Redacted+"@")
	code = bearerValue.ReplaceAllString(code, "${1}"+Redacted)
	for _, re := range secretShapes {
		code = re.ReplaceAllStringFunc(code, func(m string) string {
			// A key is random: one without a digit is a name
			// (sk_test_helper_function_name), left as it is.
			if !strings.ContainsAny(m, "0123456789") {
				return m
			}
			return Redacted
		})
	}
	return code
}
