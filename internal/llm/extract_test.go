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
