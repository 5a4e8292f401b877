package llm

import (
	"net/url"
	"regexp"
	"strings"
)

// keyPattern matches strings shaped like API keys even when the provider
// masked part of them: OpenAI's "sk-proj-…", Anthropic's "sk-ant-…", and the
// "sk-abc1****wxyz" form OpenAI echoes in its invalid-key message.
var keyPattern = regexp.MustCompile(`\bsk-[A-Za-z0-9_\-*.]{6,}`)

// echoedKey matches what follows "API key provided:" in OpenAI's 401 message,
// which echoes part of whatever key was sent, sk- prefixed or not.
var echoedKey = regexp.MustCompile(`(?i)(api key provided:\s*)\S+`)

// bearer matches an Authorization header value that found its way into text.
var bearer = regexp.MustCompile(`(?i)(bearer\s+)\S+`)

// Redact returns s with every configured secret and everything that looks
// like an API key replaced by "[redacted]". Secrets shorter than four
// characters are ignored: replacing them would mangle ordinary words, and no
// real key is that short.
func Redact(s string, secrets ...string) string {
	for _, k := range secrets {
		k = strings.TrimSpace(k)
		if len(k) >= 4 {
			s = strings.ReplaceAll(s, k, "[redacted]")
		}
	}
	s = echoedKey.ReplaceAllString(s, "${1}[redacted]")
	s = bearer.ReplaceAllString(s, "${1}[redacted]")
	return keyPattern.ReplaceAllString(s, "[redacted]")
}

// userinfo matches the "user:password@" part of a URL that url.Parse
// could not read, so that ShowURL masks it all the same.
var userinfo = regexp.MustCompile(`//[^/?#@]*@`)

// ShowURL is u as it may be printed: summaries, --json, -v and error
// messages name the server a run talked to, and a base URL can carry a key
// as its user name or password ("https://user:sk-…@proxy/v1"), so the
// whole userinfo is replaced by "***".
func ShowURL(u string) string {
	if p, err := url.Parse(u); err == nil && p.User != nil {
		p.User = nil // url.User would escape the stars
		return strings.Replace(p.String(), "//", "//***@", 1)
	}
	return userinfo.ReplaceAllString(u, "//***@")
}
