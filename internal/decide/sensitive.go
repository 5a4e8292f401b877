package decide

import (
	"strings"
	"unicode"
)

// SensitiveName reports whether an identifier names data that must never be
// recorded: passwords (also in other languages), secrets, tokens, keys,
// credentials, cookies, sessions, connection strings and DSNs, private keys
// and PEM blocks, the process environment, card data, national IDs and the
// like.
//
// The name is split into words at underscores, dashes, dots, colons, digits
// and camelCase humps ("apiKey", "API_KEY", "api-key" all give api, key).
// A name is sensitive when one of its words is a sensitive word ("key",
// "pass", "pem", "dsn"...), or when its words contain an unambiguous
// sensitive fragment ("password" in "newpassword", "apikey" in "myapikey").
// Short words such as "key", "pass" or "pin" only count as whole words, so
// "keyboard", "monkey", "passenger", "compass" and "spinner" are not
// sensitive. Fragments are also looked for across word boundaries
// ("pass_word", "mot_de_passe", "conn_str"). The matcher errs on the side of
// caution: "cache_key" and "first_pass" are sensitive too; the cost is a
// value's shape not recorded, never a secret leaked.
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
	case "password", "passwords", "passwd", "pwd", "pw", "pass", "passw", "pswd", "psw", "pword",
		"passphrase", "passcode",
		// "password" in other languages, as identifiers in real code spell
		// it (see docs/decision-schema.md): French mdp (mot de passe),
		// Spanish clave, Portuguese senha, Polish haslo, Czech heslo,
		// Hungarian jelszo, Turkish sifre and parola (also Romanian; in
		// Italian it means "word", a false positive accepted), Russian parol
		// and Chinese mima (both transliterated).
		"mdp", "clave", "senha", "haslo", "hasło", "heslo", "jelszo", "jelszó",
		"sifre", "şifre", "parola", "parol", "mima",
		"secret", "secrets",
		"token", "tokens", "jwt", "bearer", "otp", "totp", "nonce",
		"key", "apikey", "privkey", "private", "pem",
		"auth", "authn", "authz", "oauth", "authorization", "authorisation",
		"credential", "credentials", "cred", "creds",
		"cookie", "cookies", "session", "sessions", "sessionid", "sid",
		"dsn", "connstr",
		"env", "envs", "environ", "environment", "dotenv",
		"ssn", "iban", "dob", "passport",
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
		// Other languages' words for a password, long enough to be safe
		// inside compounds (neuesPasswort, mot_de_passe).
		"passwort", "kennwort", "wachtwoord", "contrasena", "contraseña", "contrasenia",
		"motdepasse", "losenord", "lösenord", "salasana", "parolaccesso", "paroladordine",
		// Connection strings and database URLs carry credentials.
		"connstr", "connectionstring", "databaseurl", "databaseuri", "dburl", "dburi",
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
