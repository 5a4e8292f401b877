package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/telemetry-inject/telemetry-inject/internal/llm/llmtest"
)

// TestBaseURLCredentialsAreNeverPrinted: a base URL may carry a key as its
// userinfo (a proxy's "https://user:key@host/v1"). The summary, -v, --json
// and the run-level error all name the server, and none may show it.
func TestBaseURLCredentialsAreNeverPrinted(t *testing.T) {
	const secret = "pw-hunter2-0123456789"
	for _, c := range []struct {
		name  string
		reply llmtest.Reply
		code  int
	}{
		{"answered", llmtest.Reply{}, ExitOK},
		{"run-level failure", llmtest.Reply{Status: 400, Message: "Unsupported parameter: 'response_format'"}, ExitError},
	} {
		t.Run(c.name, func(t *testing.T) {
			respond := llmtest.Echo()
			if c.reply.Status != 0 {
				respond = llmtest.Always(c.reply)
			}
			srv := llmtest.NewOpenAI(t, respond)
			withUser := strings.Replace(srv.URL(), "http://", "http://proxyuser:"+secret+"@", 1)
			for _, flag := range []string{"--json", "-v"} {
				project := copyTree(t, "../../examples/shop")
				env := map[string]string{"OPENAI_API_KEY": "sk-x", "LLM_MODEL": "gpt-4o-mini"}
				code, stdout, stderr := runCLI(t, env, project, "--no-cache", "--base-url", withUser, flag)
				if code != c.code {
					t.Fatalf("%s: exit %d, want %d:\n%s", flag, code, c.code, stderr)
				}
				if strings.Contains(stdout+stderr, secret) {
					t.Errorf("%s printed the base URL's password:\n%s\n%s", flag, stdout, stderr)
				}
				// --json lists the hosts; a failure names the one that failed.
				named := flag == "--json" || code != ExitOK
				if named && !strings.Contains(stdout+stderr, "***@127.0.0.1") {
					t.Errorf("%s does not name the server:\n%s\n%s", flag, stdout, stderr)
				}
			}
		})
	}
}

// TestHardCodedSecretsStayOutOfThePrompt: every construct's code goes to
// the provider, and code carries keys written into it (a test key in a
// default argument, a DSN with its password, a PEM block). None may leave
// in a request; the decision needs the code's shape, not the key.
func TestHardCodedSecretsStayOutOfThePrompt(t *testing.T) {
	secrets := []string{
		"sk-proj-Zq8RmD4kWx7TnB2vLp9sYc3H",
		"ghp_Zq8RmD4kWx7TnB2vLp9sYc3HaaBBccDDee",
		"AKIAZQ8RMD4KWX7TNB2V",
		"s3cr3t-Passw0rd-Zq8",
		"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ6cTgifQ.Zq8RmD4kWx7TnB2vLp9sYc3H",
		"MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7",
		"Zq8RmD4kWx7TnB2vLp9sBearer",
	}
	py := `def connect(host, key="` + secrets[0] + `"):
    dsn = f"postgres://admin:` + secrets[3] + `@{host}/db"
    headers = {"Authorization": "Bearer ` + secrets[6] + `", "X-Gh": "` + secrets[1] + `"}
    pem = """-----BEGIN PRIVATE KEY-----
` + secrets[5] + `
-----END PRIVATE KEY-----"""
    for name in ("a", "b"):
        if not host:
            raise ValueError("no host for " + name)
    jwt = "` + secrets[4] + `"
    aws = "` + secrets[2] + `"
    return dsn, headers, pem, jwt, aws, key
`
	js := "function connect(host) {\n  const dsn = `postgres://admin:" + secrets[3] + "@${host}/db`;\n  const key = '" + secrets[0] + "';\n  for (const h of [host]) {\n    if (!h) {\n      throw new Error('no host');\n    }\n  }\n  return [dsn, key];\n}\nmodule.exports = { connect };\n"
	project := t.TempDir()
	must(t, os.WriteFile(filepath.Join(project, "db.py"), []byte(py), 0o644))
	must(t, os.WriteFile(filepath.Join(project, "db.js"), []byte(js), 0o644))
	srv := llmtest.NewOpenAI(t, llmtest.Echo())
	env := map[string]string{"OPENAI_API_KEY": "sk-x", "OPENAI_BASE_URL": srv.URL(), "LLM_MODEL": "gpt-4o-mini"}
	for _, mode := range []string{"--group", "--no-group"} {
		code, _, stderr := runCLI(t, env, project, "--no-cache", "--dry-run", "--density", "high", mode)
		if code != ExitOK {
			t.Fatalf("%s: exit %d:\n%s", mode, code, stderr)
		}
	}
	reqs := srv.Requests()
	if len(reqs) == 0 {
		t.Fatal("the fake provider saw no request")
	}
	redacted := false
	for _, r := range reqs {
		body := string(r.Body)
		for _, s := range secrets {
			if strings.Contains(body, s) {
				t.Errorf("a request carried the hard-coded secret %q", s)
			}
		}
		redacted = redacted || strings.Contains(body, "[redacted]")
	}
	if !redacted {
		t.Error("no request shows where a secret was taken out")
	}
}
