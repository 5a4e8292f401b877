package view

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// traces builds an OTLP payload: one trace with a root and n children, the
// last of which failed, in service svc.
func traces(svc string, trace byte, n int) ptrace.Traces {
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("service.name", svc)
	spans := rs.ScopeSpans().AppendEmpty().Spans()
	base := time.Now()
	root := spans.AppendEmpty()
	root.SetName("shop.checkout")
	root.SetTraceID(pcommon.TraceID{trace, 1})
	root.SetSpanID(pcommon.SpanID{trace, 0xff})
	root.SetStartTimestamp(pcommon.NewTimestampFromTime(base))
	root.SetEndTimestamp(pcommon.NewTimestampFromTime(base.Add(time.Duration(n+1) * time.Millisecond)))
	root.Attributes().PutInt("shop.checkout.loop.iterations", int64(n))
	for i := 0; i < n; i++ {
		c := spans.AppendEmpty()
		c.SetName("shop.price")
		c.SetTraceID(pcommon.TraceID{trace, 1})
		c.SetSpanID(pcommon.SpanID{trace, byte(i)})
		c.SetParentSpanID(pcommon.SpanID{trace, 0xff})
		c.SetStartTimestamp(pcommon.NewTimestampFromTime(base.Add(time.Duration(i) * time.Millisecond)))
		c.SetEndTimestamp(pcommon.NewTimestampFromTime(base.Add(time.Duration(i+1) * time.Millisecond)))
		if i == n-1 {
			c.Status().SetCode(ptrace.StatusCodeError)
			ev := c.Events().AppendEmpty()
			ev.SetName("exception")
			ev.Attributes().PutStr("exception.type", "ValueError")
		}
	}
	return td
}

func post(t *testing.T, url, ctype, enc string, body []byte) *http.Response {
	t.Helper()
	if enc == "gzip" {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		zw.Write(body)
		zw.Close()
		body = b.Bytes()
	}
	req, _ := http.NewRequest("POST", url+"/v1/traces", bytes.NewReader(body))
	req.Header.Set("Content-Type", ctype)
	if enc != "" {
		req.Header.Set("Content-Encoding", enc)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func TestReceiverAcceptsProtobufAndJSONPlainAndGzip(t *testing.T) {
	st := NewStore(Limits{})
	srv := httptest.NewServer(Receiver(st))
	defer srv.Close()
	td := traces("shop", 1, 3)
	pb, _ := (&ptrace.ProtoMarshaler{}).MarshalTraces(td)
	js, _ := (&ptrace.JSONMarshaler{}).MarshalTraces(td)
	for i, c := range []struct {
		ctype, enc string
		body       []byte
	}{
		{"application/x-protobuf", "", pb}, {"application/x-protobuf", "gzip", pb},
		{"application/json", "", js}, {"application/json; charset=utf-8", "gzip", js},
	} {
		if resp := post(t, srv.URL, c.ctype, c.enc, c.body); resp.StatusCode != 200 {
			t.Fatalf("%s %s: status %d", c.ctype, c.enc, resp.StatusCode)
		}
		if got := st.Summarize(Filter{}, 10).Received; got != int64(4*(i+1)) {
			t.Fatalf("after %s %s: %d spans received", c.ctype, c.enc, got)
		}
	}
	if resp := post(t, srv.URL, "text/plain", "", js); resp.StatusCode != http.StatusUnsupportedMediaType {
		t.Fatalf("text/plain: status %d", resp.StatusCode)
	}
	if resp := post(t, srv.URL, "application/json", "", []byte("{not json")); resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("bad JSON: status %d", resp.StatusCode)
	}
}

func TestSummaryAndWaterfall(t *testing.T) {
	st := NewStore(Limits{})
	st.Add(fromTraces(traces("shop", 1, 4), ""))
	st.Add(fromTraces(traces("billing", 2, 2), ""))
	s := st.Summarize(Filter{}, 10)
	if strings.Join(s.Services, ",") != "billing,shop" || len(s.Traces) != 2 {
		t.Fatalf("summary: %+v", s)
	}
	var price *Hotspot
	for i := range s.Hotspots {
		if s.Hotspots[i].Name == "shop.price" && s.Hotspots[i].Service == "shop" {
			price = &s.Hotspots[i]
		}
	}
	if price == nil || price.Count != 4 || price.Errors != 1 || price.P50 < 0.9 || price.P50 > 1.1 {
		t.Fatalf("shop.price hot spot: %+v", price)
	}
	if len(s.Loops) != 2 || s.Loops[0].Iterations != 4 || s.Loops[0].Loop != "shop.checkout.loop" {
		t.Fatalf("loops: %+v", s.Loops)
	}
	if f := st.Summarize(Filter{Service: "billing"}, 10); len(f.Traces) != 1 || len(f.Hotspots) != 2 {
		t.Fatalf("service filter: %+v", f)
	}
	if f := st.Summarize(Filter{Status: "error", Name: "PRICE"}, 10); len(f.Hotspots) != 2 || len(f.Traces) != 2 {
		t.Fatalf("status and name filter: %+v", f)
	}
	w := st.Trace(s.Traces[0].TraceID)
	if len(w) == 0 || w[0].Name != "shop.checkout" || w[0].Depth != 0 || w[1].Depth != 1 {
		t.Fatalf("waterfall: %+v", w)
	}
	for i := 2; i < len(w); i++ {
		if w[i].Start < w[i-1].Start {
			t.Fatalf("siblings out of order: %+v", w)
		}
	}
}

func TestPercentilesWithinTenPercent(t *testing.T) {
	st := &stat{loops: map[string]int64{}}
	for i := 1; i <= 1000; i++ {
		st.add(&Span{Start: 0, End: int64(i) * int64(time.Millisecond)})
	}
	for q, want := range map[float64]float64{0.5: 500, 0.95: 950, 0.99: 990} {
		if got := st.percentile(q); got < want*0.9 || got > want*1.1 {
			t.Errorf("p%v = %.1f ms, want %.0f ± 10%%", q*100, got, want)
		}
	}
}

func TestFileIsReadAndFollowed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "spans.jsonl")
	line := func(name string, id byte) string {
		return fmt.Sprintf(`{"traceId":"%032x","spanId":"%016x","name":"%s","kind":1,"startTimeUnixNano":"1000","endTimeUnixNano":"2000000"}`, id, id, name)
	}
	os.WriteFile(path, []byte(line("a.first", 1)+"\n"+line("a.second", 2)+"\nnot json\n"), 0o644)
	st := NewStore(Limits{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error)
	go func() { done <- follow(ctx, path, st) }()
	waitFor(t, func() bool { return st.Summarize(Filter{}, 10).Received == 2 })
	// A line written in two pieces is read once it is whole.
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	third := line("a.third", 3)
	f.WriteString(third[:20])
	time.Sleep(2 * followEvery)
	f.WriteString(third[20:] + "\n")
	f.Close()
	waitFor(t, func() bool { return st.Summarize(Filter{}, 10).Received == 3 })
	if s := st.Summarize(Filter{}, 10); s.Services[0] != "spans" {
		t.Fatalf("service of a file's spans: %v", s.Services)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatal("condition not met within 10s")
}

func TestEventsAreStreamedAndCoalesced(t *testing.T) {
	st := NewStore(Limits{})
	srv := httptest.NewServer(Page(st))
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/api/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	r := bufio.NewReader(resp.Body)
	next := func() string {
		for {
			l, err := r.ReadString('\n')
			if err != nil {
				t.Fatal(err)
			}
			if strings.HasPrefix(l, "data: ") {
				return strings.TrimSpace(l[6:])
			}
		}
	}
	if v := next(); v != "0" {
		t.Fatalf("first event %q", v)
	}
	for i := 0; i < 50; i++ { // a burst: one event, not fifty
		st.Add([]Span{{TraceID: "t", SpanID: fmt.Sprint(i), Name: "x"}})
	}
	if v := next(); v != "50" {
		t.Fatalf("after a burst of 50 additions the event says version %s, want 50 (coalesced)", v)
	}
}

func TestOnlyLoopback(t *testing.T) {
	err := Serve(context.Background(), Options{OTLPAddr: "0.0.0.0:0", UIAddr: "127.0.0.1:0"})
	if err == nil || !strings.Contains(err.Error(), "loopback") {
		t.Fatalf("listening on all interfaces was allowed: %v", err)
	}
}

// TestFloodStaysBoundedAndResponsive sends spans as fast as the receiver
// takes them, well past the ring's capacity, while the page's API is
// polled: every request must succeed, memory must stay within the ring's
// bound, and the statistics must count every span.
func TestFloodStaysBoundedAndResponsive(t *testing.T) {
	const ring, batches, perBatch = 20_000, 200, 512
	st := NewStore(Limits{Spans: ring})
	recv := httptest.NewServer(Receiver(st))
	defer recv.Close()
	page := httptest.NewServer(Page(st))
	defer page.Close()
	// Many distinct names, to exercise the names bound too.
	body := func(b int) []byte {
		td := ptrace.NewTraces()
		rs := td.ResourceSpans().AppendEmpty()
		rs.Resource().Attributes().PutStr("service.name", "flood")
		spans := rs.ScopeSpans().AppendEmpty().Spans()
		for i := 0; i < perBatch; i++ {
			sp := spans.AppendEmpty()
			sp.SetName(fmt.Sprintf("f.fn%d", (b*perBatch+i)%20_000))
			sp.SetTraceID(pcommon.TraceID{byte(b), byte(b >> 8), byte(i)})
			sp.SetSpanID(pcommon.SpanID{byte(i), byte(i >> 8), 1})
			sp.SetStartTimestamp(1000)
			sp.SetEndTimestamp(pcommon.Timestamp(1000 + i*1000))
			sp.Attributes().PutStr("payload", strings.Repeat("x", 1000)) // trimmed to 256
		}
		pb, _ := (&ptrace.ProtoMarshaler{}).MarshalTraces(td)
		return pb
	}
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)

	stop := make(chan struct{})
	var polls, failures int
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			resp, err := http.Get(page.URL + "/api/summary?name=fn1")
			polls++
			if err != nil || resp.StatusCode != 200 {
				failures++
				continue
			}
			var s Summary
			if json.NewDecoder(resp.Body).Decode(&s) != nil {
				failures++
			}
			resp.Body.Close()
		}
	}()
	var senders sync.WaitGroup
	for w := 0; w < 4; w++ {
		senders.Add(1)
		go func(w int) {
			defer senders.Done()
			for b := w; b < batches; b += 4 {
				if resp := post(t, recv.URL, "application/x-protobuf", "", body(b)); resp.StatusCode != 200 {
					t.Errorf("batch %d: status %d", b, resp.StatusCode)
				}
			}
		}(w)
	}
	senders.Wait()
	close(stop)
	wg.Wait()

	s := st.Summarize(Filter{}, 10)
	if s.Received != batches*perBatch || s.Stored != ring {
		t.Fatalf("received %d (want %d), stored %d (want %d)", s.Received, batches*perBatch, s.Stored, ring)
	}
	if polls == 0 || failures > 0 {
		t.Fatalf("%d of %d page requests failed during the flood", failures, polls)
	}
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	// A stored span is at most ~1 KB here (name, ids, one 256-byte value);
	// statistics for 10,000 names are ~1.3 KB each. Allow twice that.
	bound := uint64(2 * (ring*1024 + 10_000*1400))
	if grown := after.HeapAlloc - min(after.HeapAlloc, before.HeapAlloc); grown > bound {
		t.Fatalf("heap grew by %d MB under the flood; bound %d MB", grown>>20, bound>>20)
	}
	t.Logf("%d spans in, %d kept, %d page polls during the flood, heap %d MB", s.Received, s.Stored, polls, after.HeapAlloc>>20)
}

// BenchmarkIngest measures spans taken in per second through the OTLP
// receiver, to compare with the 1M spans a minute (16,667 a second) a
// flooding program sends.
func BenchmarkIngest(b *testing.B) {
	st := NewStore(Limits{Spans: 100_000})
	h := Receiver(st)
	pb, _ := (&ptrace.ProtoMarshaler{}).MarshalTraces(traces("bench", 1, 511))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		req := httptest.NewRequest("POST", "/v1/traces", bytes.NewReader(pb))
		req.Header.Set("Content-Type", "application/x-protobuf")
		h.ServeHTTP(httptest.NewRecorder(), req)
	}
	perSec := float64(b.N*512) / b.Elapsed().Seconds()
	b.ReportMetric(perSec, "spans/s")
	b.ReportMetric(perSec/(1e6/60), "x_flood_rate")
}
