package prompt

import (
	"strings"
	"testing"
)

func TestScrubTakesOutSecretsAndLeavesCode(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`key = "sk-proj-Zq8RmD4kWx7TnB2vLp9sYc3H"`, `key = "[redacted]"`},
		{`stripe.api_key = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc'`, `stripe.api_key = '[redacted]'`},
		{`dsn = f"postgres://admin:hunter2@{host}/db"`, `dsn = f"postgres://admin:[redacted]@{host}/db"`},
		{`h = {"Authorization": "Bearer abcdef0123456789xyz"}`, `h = {"Authorization": "Bearer [redacted]"}`},
		{`aws = "AKIAZQ8RMD4KWX7TNB2V"`, `aws = "[redacted]"`},
		{`t = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ6cTgifQ.Zq8RmD4kWx7TnB2vLp9s"`, `t = "[redacted]"`},
		{"pem = \"\"\"-----BEGIN RSA PRIVATE KEY-----\nMIIEvQIBADANBg\nkqhkiG9w0BAQ\n-----END RSA PRIVATE KEY-----\"\"\"\nx = 1", "pem = \"\"\"[redacted]\n\n\n\"\"\"\nx = 1"},
		// Code that only looks like the shapes stays as written.
		{`def sk_test_helper_function_name(pk_user_lookup_field): return http_basic_auth_header`, `def sk_test_helper_function_name(pk_user_lookup_field): return http_basic_auth_header`},
		{`url = "https://example.com/a:b/c"; mail = "user@example.com"`, `url = "https://example.com/a:b/c"; mail = "user@example.com"`},
		{`for (let i = 0; i < n; i++) { total += items[i]; }`, `for (let i = 0; i < n; i++) { total += items[i]; }`},
	} {
		if got := scrub(c.in); got != c.want {
			t.Errorf("scrub(%q)\n = %q\nwant %q", c.in, got, c.want)
		}
		if strings.Count(scrub(c.in), "\n") != strings.Count(c.in, "\n") {
			t.Errorf("scrub(%q) changed the line count", c.in)
		}
	}
}
