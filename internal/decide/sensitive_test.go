package decide

import (
	"reflect"
	"testing"
)

func TestSensitiveName(t *testing.T) {
	sensitive := []string{
		"password", "PASSWORD", "user_password", "newPassword", "passwd", "pwd", "db_pw",
		"secret", "client_secret", "clientSecret", "SECRET_KEY",
		"token", "access_token", "accessToken", "authToken", "refresh-token", "idToken", "jwt",
		"key", "api_key", "apiKey", "APIKEY", "apikey", "private_key", "privateKey", "access_key",
		"aws_secret_access_key", "key2", "HTTPSKey", "cache_key", "sshKey",
		"auth", "authorization", "Authorization", "auth_header", "httpAuth", "oauth", "authz",
		"credential", "credentials", "creds", "userCredentials",
		"cookie", "cookies", "set_cookie", "sessionCookie",
		"session", "session_id", "sessionId", "sid",
		"ssn", "user_ssn", "socialSecurityNumber", "iban", "dob",
		"card", "credit_card", "creditCard", "cardNumber", "cvv", "cvv2", "CVC",
		"pin", "user_pin", "pass_word", "my_api_key_value", "otp", "salt", "hmac", "bearer", "nonce", "passphrase",
	}
	notSensitive := []string{
		"keyboard", "monkey", "keyword", "keywords", "hotkey", "turkey", "donkey",
		"author", "authors", "author_name", "authenticated",
		"tokenizer", "tokenize", "spinner", "pinned", "pinyin", "opinion", "shipping",
		"cardinal", "cardinality", "discard", "scorecard", "secretary",
		"passenger", "bypass", "compass", "pass_count", "message",
		"user_id", "name", "path", "count", "url", "file_name", "request", "self", "index",
		"classname", "className", "x", "i", "", "_", "__init__", "pkg", "sort_order",
		"signal", "sigma", "spawn", "doc", "secretary_name",
	}
	for _, n := range sensitive {
		if !SensitiveName(n) {
			t.Errorf("SensitiveName(%q) = false, want true", n)
		}
	}
	for _, n := range notSensitive {
		if SensitiveName(n) {
			t.Errorf("SensitiveName(%q) = true, want false (words %q)", n, words(n))
		}
	}
}

func TestWords(t *testing.T) {
	tests := map[string][]string{
		"parseHTTPAuthHeader": {"parse", "http", "auth", "header"},
		"user_id2":            {"user", "id"},
		"API_KEY":             {"api", "key"},
		"kebab-case.name:x":   {"kebab", "case", "name", "x"},
		"ÉtéCafé":             {"été", "café"},
		"__init__":            {"init"},
		"123":                 nil,
	}
	for in, want := range tests {
		if got := words(in); !reflect.DeepEqual(got, want) {
			t.Errorf("words(%q) = %q, want %q", in, got, want)
		}
	}
}
