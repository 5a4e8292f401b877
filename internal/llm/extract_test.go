package llm

import "testing"

func TestExtractObject(t *testing.T) {
	for in, want := range map[string]string{
		`{"name":"a"}`:                             `{"name":"a"}`,
		"  {\"name\":\"a\"}\n":                     `{"name":"a"}`,
		"```json\n{\"name\":\"a\"}\n```":           `{"name":"a"}`,
		"```\n{\"name\":\"a\"}\n```\n":             `{"name":"a"}`,
		`Here is the decision: {"name":"a"} Done.`: `{"name":"a"}`,
		`{"name":"a"`:                              "",
		`["a"]`:                                    "",
		`not json`:                                 "",
		``:                                         "",
		`{"a":1} and {"b":2}`:                      "",
	} {
		got, ok := ExtractObject(in)
		if string(got) != want || ok != (want != "") {
			t.Errorf("ExtractObject(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

func TestErrorBodyMessage(t *testing.T) {
	for in, want := range map[string]string{
		`{"object":"error","message":"The model x does not exist.","type":"NotFoundError","code":404}`: "The model x does not exist.",
		`{"error":"server busy"}`:                              "server busy",
		`{"error":{"code":503,"message":"Loading model"}}`:     "Loading model",
		`{"detail":"Not authenticated"}`:                       "Not authenticated",
		`{"detail":[{"loc":["body"],"msg":"field required"}]}`: `[{"loc":["body"],"msg":"field required"}]`,
		"<html>\n<b>502</b>\n</html>":                          "<html> <b>502</b> </html>",
	} {
		if got := ErrorBodyMessage([]byte(in)); got != want {
			t.Errorf("ErrorBodyMessage(%q) = %q, want %q", in, got, want)
		}
	}
}
