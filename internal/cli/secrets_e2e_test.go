package cli

import (
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
