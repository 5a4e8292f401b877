package view

import (
	"bytes"
	"encoding/hex"
	"fmt"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// fromTraces converts what an OTLP request carried into the store's spans.
func fromTraces(td ptrace.Traces, defaultService string) []Span {
	var out []Span
	rss := td.ResourceSpans()
	for i := 0; i < rss.Len(); i++ {
		rs := rss.At(i)
		service := defaultService
		if v, ok := rs.Resource().Attributes().Get("service.name"); ok && v.AsString() != "" {
			service = v.AsString()
		}
		sss := rs.ScopeSpans()
		for j := 0; j < sss.Len(); j++ {
			spans := sss.At(j).Spans()
			for k := 0; k < spans.Len(); k++ {
				out = append(out, fromSpan(spans.At(k), service))
			}
		}
	}
	return out
}

func fromSpan(sp ptrace.Span, service string) Span {
	tid, sid := sp.TraceID(), sp.SpanID()
	s := Span{
		TraceID: hex.EncodeToString(tid[:]), SpanID: hex.EncodeToString(sid[:]),
		Service: service, Name: sp.Name(),
		Start: int64(sp.StartTimestamp()), End: int64(sp.EndTimestamp()),
		Error: sp.Status().Code() == ptrace.StatusCodeError, Message: sp.Status().Message(),
		Attrs: attrs(sp.Attributes()),
	}
	if p := sp.ParentSpanID(); !p.IsEmpty() {
		s.ParentID = hex.EncodeToString(p[:])
	}
	evs := sp.Events()
	for i := 0; i < evs.Len(); i++ {
		e := evs.At(i)
		s.Events = append(s.Events, Event{Name: e.Name(), Time: int64(e.Timestamp()), Attrs: attrs(e.Attributes())})
	}
	return s
}

func attrs(m pcommon.Map) []KV {
	if m.Len() == 0 {
		return nil
	}
	out := make([]KV, 0, m.Len())
	m.Range(func(k string, v pcommon.Value) bool {
		out = append(out, KV{Key: k, Value: v.AsString()})
		return true
	})
	return out
}

// fileLine decodes one line of a TELEMETRY_INJECT_FILE file: the runtimes
// write one OTLP span object per line; a line holding a whole export
// request (with its resource) is read too.
func fileLine(line []byte, service string) ([]Span, error) {
	line = bytes.TrimSpace(line)
	if len(line) == 0 {
		return nil, nil
	}
	var u ptrace.JSONUnmarshaler
	if !bytes.Contains(line, []byte(`"resourceSpans"`)) {
		wrapped := make([]byte, 0, len(line)+64)
		wrapped = append(wrapped, `{"resourceSpans":[{"scopeSpans":[{"spans":[`...)
		wrapped = append(wrapped, line...)
		line = append(wrapped, `]}]}]}`...)
	}
	td, err := u.UnmarshalTraces(line)
	if err != nil {
		return nil, fmt.Errorf("not an OTLP span: %w", err)
	}
	return fromTraces(td, service), nil
}
