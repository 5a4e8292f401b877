package decide

import (
	"strings"
	"unicode"
)

// SensitiveName reports whether an identifier names data that must never be
// recorded: passwords, secrets, tokens, keys, credentials, cookies,
// sessions, card data, national IDs and the like.
//
// The name is split into words at underscores, dashes, dots, colons, digits
// and camelCase humps ("apiKey", "API_KEY", "api-key" all give api, key).
// A name is sensitive when one of its words is a sensitive word ("key",
// "token", "auth", "pin"...), or when a word contains an unambiguous
// sensitive fragment ("password" in "newpassword", "apikey" in "myapikey").
// Short words such as "key" or "pin" only count as whole words, so
// "keyboard", "monkey", "author" and "spinner" are not sensitive. Fragments
// are also looked for across word boundaries ("pass_word"). The
// matcher errs on the side of caution: "cache_key" is sensitive too.
func SensitiveName(name string) bool {
	var joined strings.Builder
	for _, w := range words(name) {
		if sensitiveWord(w) {
			return true
		}
		if !benignWord(w) {
			joined.WriteString(w)
		}
	}
	// Fragments are looked for across word boundaries too, so that
	// "pass_word" and "socialSecurityNumber" are caught.
	all := joined.String()
	for _, frag := range sensitiveFragments() {
		if strings.Contains(all, frag) {
			return true
		}
	}
	return false
}

// sensitiveWord reports whether a whole word names sensitive data.
func sensitiveWord(w string) bool {
	switch w {
	case "password", "passwords", "passwd", "pwd", "pw", "passphrase", "passcode",
		"secret", "secrets",
		"token", "tokens", "jwt", "bearer", "otp", "totp", "nonce",
		"key", "apikey", "privkey",
		"auth", "authn", "authz", "oauth", "authorization", "authorisation",
		"credential", "credentials", "cred", "creds",
		"cookie", "cookies", "session", "sessions", "sessionid", "sid",
		"ssn", "iban", "dob",
		"card", "cards", "creditcard", "cardnumber", "cvv", "cvc", "ccv",
		"pin", "salt", "hmac":
		return true
	}
	return false
}

// sensitiveFragments returns substrings that make any word sensitive: they
// are long enough that ordinary words do not contain them by accident.
func sensitiveFragments() []string {
	return []string{
		"password", "passwd", "passphrase", "secret", "credential",
		"apikey", "accesskey", "privatekey", "secretkey", "signingkey",
		"accesstoken", "authtoken", "refreshtoken", "idtoken", "sessiontoken",
		"sessionid", "sessionkey", "cookie", "authoriz",
		"creditcard", "cardnumber", "socialsecurity",
	}
}

// benignWord lists the few ordinary words that contain a fragment.
func benignWord(w string) bool {
	switch w {
	case "secretary", "secretaries":
		return true
	}
	return false
}

// words splits an identifier into lowercase words. "parseHTTPAuthHeader"
// gives parse, http, auth, header; "user_id2" gives user, id.
func words(name string) []string {
	var out []string
	rs := []rune(name)
	start := -1
	flush := func(end int) {
		if start >= 0 && end > start {
			out = append(out, strings.ToLower(string(rs[start:end])))
		}
		start = -1
	}
	for i, r := range rs {
		if !unicode.IsLetter(r) {
			flush(i)
			continue
		}
		if start < 0 {
			start = i
			continue
		}
		prev := rs[i-1]
		switch {
		case unicode.IsUpper(r) && unicode.IsLower(prev):
			// camelCase hump: "apiKey" → api | Key
			flush(i)
			start = i
		case unicode.IsUpper(prev) && unicode.IsLower(r) && i-1 > start:
			// end of an acronym: "HTTPAuth" → HTTP | Auth
			flush(i - 1)
			start = i - 1
		}
	}
	flush(len(rs))
	return out
}
