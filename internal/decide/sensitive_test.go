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
		// issue 11: names that leaked.
		"db_pass", "smtp_pass", "userPass", "PASS", "private_pem", "passwort", "privkey", "private_key",
		// Passwords in other languages, as real code spells them.
		"neuesPasswort", "kennwort", "contrasena", "contraseña", "clave_usuario", "mot_de_passe", "motDePasse", "mdp",
		"senha", "parola", "parolaccesso", "wachtwoord", "losenord", "lösenord", "salasana", "haslo", "hasło",
		"heslo", "jelszo", "sifre", "şifre", "parol", "mima", "user_pswd", "passw",
		// Key material, connection strings, the environment, documents.
		"pem", "cert_pem", "privateKey", "private", "dsn", "sentry_dsn", "DATABASE_URL", "conn_str", "connStr",
		"connection_string", "db_url", "SQLALCHEMY_DATABASE_URI", "env", "environ", "os_environ", "envVars",
		"environment", "passport", "passport_number",
	}
	notSensitive := []string{
		"keyboard", "monkey", "keyword", "keywords", "hotkey", "turkey", "donkey",
		"author", "authors", "author_name", "authenticated",
		"tokenizer", "tokenize", "spinner", "pinned", "pinyin", "opinion", "shipping",
		"cardinal", "cardinality", "discard", "scorecard", "secretary",
		"passenger", "bypass", "compass", "passage", "passed", "passes", "passing", "surpass", "message",
		"privilege", "deprive", "pemmican", "envelope", "environs_x", "envoy", "seventy", "dsnake",
		"claveria", "mimas", "parole", "parolee", "sifted", "senhal", "pwm", "pwn",
		"signature", "sig", "signed", "connection", "conn", "database", "url", "base_url", "connect_timeout",
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
