package llmtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
)

// call sends one request to the fake and decodes a JSON answer into out
// (when not nil), returning the status and raw body.
func call(t *testing.T, method, url, contentType string, body []byte, out any) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Authorization", "Bearer sk-test")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if out != nil && resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, url, err, raw)
		}
	}
	return resp.StatusCode, raw
}

// upload sends a JSONL file the way the SDK does: multipart, purpose batch.
func upload(t *testing.T, base string, lines ...string) string {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	w.WriteField("purpose", "batch")
	fw, _ := w.CreateFormFile("file", "in.jsonl")
	io.WriteString(fw, strings.Join(lines, "\n")+"\n")
	w.Close()
	var f struct {
		ID      string `json:"id"`
		Purpose string `json:"purpose"`
	}
	if status, raw := call(t, "POST", base+"/files", w.FormDataContentType(), body.Bytes(), &f); status != 200 || f.Purpose != "batch" {
		t.Fatalf("upload: %d %s", status, raw)
	}
	return f.ID
}

func chatLine(id, name string) string {
	return fmt.Sprintf(`{"custom_id":%q,"method":"POST","url":"/v1/chat/completions","body":{"model":"gpt-4.1-mini","messages":[{"role":"system","content":"sys"},{"role":"user","content":"Kind: function\nQualified name: %s\n"}]}}`, id, name)
}

type openAIBatchObject struct {
	ID            string `json:"id"`
	Status        string `json:"status"`
	OutputFileID  string `json:"output_file_id"`
	ErrorFileID   string `json:"error_file_id"`
	RequestCounts struct {
		Total, Completed, Failed int
	} `json:"request_counts"`
	Errors *struct {
		Data []struct{ Message string } `json:"data"`
	} `json:"errors"`
}

func TestOpenAIBatchWire(t *testing.T) {
	s := NewOpenAIBatch(t, BatchScript{
		Polls: 1,
		Respond: func(r Request) Reply {
			if strings.Contains(r.User, "app.bad") {
				return Fail(500)
			}
			return Echo()(r)
		},
		Expire: func(id string) bool { return id == "c" },
	})
	file := upload(t, s.URL(), chatLine("a", "app.good"), chatLine("b", "app.bad"), chatLine("c", "app.late"))
	var b openAIBatchObject
	create := fmt.Sprintf(`{"input_file_id":%q,"endpoint":"/v1/chat/completions","completion_window":"24h"}`, file)
	if status, raw := call(t, "POST", s.URL()+"/batches", "application/json", []byte(create), &b); status != 200 || b.Status != "validating" {
		t.Fatalf("create: %d %s", status, raw)
	}
	var statuses []string
	for range 3 {
		call(t, "GET", s.URL()+"/batches/"+b.ID, "", nil, &b)
		statuses = append(statuses, b.Status)
	}
	if fmt.Sprint(statuses) != "[in_progress expired expired]" || b.RequestCounts.Total != 3 || b.RequestCounts.Completed != 1 || b.RequestCounts.Failed != 2 {
		t.Fatalf("statuses %v, batch %+v", statuses, b)
	}
	_, out := call(t, "GET", s.URL()+"/files/"+b.OutputFileID+"/content", "", nil, nil)
	var line struct {
		CustomID string `json:"custom_id"`
		Response struct {
			StatusCode int `json:"status_code"`
			Body       struct {
				Choices []struct {
					Message struct{ Content string } `json:"message"`
				} `json:"choices"`
			} `json:"body"`
		} `json:"response"`
	}
	if err := json.Unmarshal(out, &line); err != nil || line.CustomID != "a" || line.Response.StatusCode != 200 ||
		!strings.Contains(line.Response.Body.Choices[0].Message.Content, `"name":"llm.app.good"`) {
		t.Errorf("output file: %s", out)
	}
	_, errs := call(t, "GET", s.URL()+"/files/"+b.ErrorFileID+"/content", "", nil, nil)
	lines := strings.Split(strings.TrimSpace(string(errs)), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], `"status_code":500`) || !strings.Contains(lines[0], `"server_error"`) ||
		!strings.Contains(lines[1], `"code":"batch_expired"`) || !strings.Contains(lines[1], `"response":null`) {
		t.Errorf("error file:\n%s", errs)
	}
	if s.Submissions() != 1 || len(s.Items(b.ID)) != 3 {
		t.Errorf("%d submissions, items %+v", s.Submissions(), s.Items(b.ID))
	}
}

func TestOpenAIBatchRejectsBadFiles(t *testing.T) {
	s := NewOpenAIBatch(t, BatchScript{})
	cases := map[string][]string{
		"duplicate custom_id": {chatLine("a", "x"), chatLine("a", "y")},
		"wrong url":           {strings.Replace(chatLine("a", "x"), "/v1/chat/completions", "/v1/embeddings", 1)},
		"not JSON":            {"{"},
	}
	for name, lines := range cases {
		file := upload(t, s.URL(), lines...)
		var b openAIBatchObject
		call(t, "POST", s.URL()+"/batches", "application/json",
			[]byte(fmt.Sprintf(`{"input_file_id":%q,"endpoint":"/v1/chat/completions","completion_window":"24h"}`, file)), &b)
		if b.Status != "failed" || b.Errors == nil || len(b.Errors.Data) != 1 {
			t.Errorf("%s: %+v", name, b)
		}
	}
	if status, _ := call(t, "POST", s.URL()+"/batches", "application/json", []byte(`{"input_file_id":"file-nope","endpoint":"/v1/chat/completions","completion_window":"24h"}`), nil); status != 404 {
		t.Errorf("unknown file: %d", status)
	}
	if status, _ := call(t, "GET", s.URL()+"/batches/batch_nope", "", nil, nil); status != 404 {
		t.Errorf("unknown batch: %d", status)
	}
}

func TestAnthropicBatchWire(t *testing.T) {
	s := NewAnthropicBatch(t, BatchScript{Polls: 2})
	params := `{"model":"claude-haiku-4-5","max_tokens":100,"system":[{"type":"text","text":"sys"}],"messages":[{"role":"user","content":[{"type":"text","text":"Kind: function\nQualified name: app.f%d\n"}]}],"tool_choice":{"type":"tool","name":"telemetry_decision"}}`
	var reqs []string
	for i := range 4 {
		reqs = append(reqs, fmt.Sprintf(`{"custom_id":"c%d","params":%s}`, i, fmt.Sprintf(params, i)))
	}
	type batchObject struct {
		ID               string `json:"id"`
		ProcessingStatus string `json:"processing_status"`
		ResultsURL       *string
		RequestCounts    map[string]int `json:"request_counts"`
	}
	var b batchObject
	if status, raw := call(t, "POST", s.URL()+"/v1/messages/batches", "application/json", []byte(`{"requests":[`+strings.Join(reqs, ",")+`]}`), &b); status != 200 || b.ProcessingStatus != "in_progress" {
		t.Fatalf("create: %d %s", status, raw)
	}
	if status, _ := call(t, "GET", s.URL()+"/v1/messages/batches/"+b.ID+"/results", "", nil, nil); status != 400 {
		t.Errorf("results of a running batch: %d", status)
	}
	call(t, "GET", s.URL()+"/v1/messages/batches/"+b.ID, "", nil, &b)
	if b.ProcessingStatus != "in_progress" || b.RequestCounts["processing"] != 3 || b.RequestCounts["succeeded"] != 1 {
		t.Errorf("first look: %+v", b)
	}
	call(t, "POST", s.URL()+"/v1/messages/batches/"+b.ID+"/cancel", "", nil, &b)
	if b.ProcessingStatus != "canceling" {
		t.Errorf("after cancel: %+v", b)
	}
	call(t, "GET", s.URL()+"/v1/messages/batches/"+b.ID, "", nil, &b)
	if b.ProcessingStatus != "ended" || b.RequestCounts["succeeded"] != 1 || b.RequestCounts["canceled"] != 3 {
		t.Errorf("ended: %+v", b)
	}
	_, raw := call(t, "GET", s.URL()+"/v1/messages/batches/"+b.ID+"/results", "", nil, nil)
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
	if len(lines) != 4 || !strings.Contains(lines[0], `"type":"succeeded"`) || !strings.Contains(lines[0], `"name":"telemetry_decision"`) ||
		!strings.Contains(lines[0], `llm.app.f0`) || lines[3] != `{"custom_id":"c3","result":{"type":"canceled"}}` {
		t.Errorf("results:\n%s", raw)
	}
	if status, _ := call(t, "POST", s.URL()+"/v1/messages/batches", "application/json", []byte(`{"requests":[{"custom_id":"a b","params":{"model":"m"}}]}`), nil); status != 400 {
		t.Errorf("bad custom_id: %d", status)
	}
	if s.Submissions() != 1 || s.Cancels() != 1 {
		t.Errorf("%d submissions, %d cancels", s.Submissions(), s.Cancels())
	}
}
