package view

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"strconv"
	"time"
)

//go:embed web
var web embed.FS

// listLimit is how many hot spots, loops and traces the overview lists.
const listLimit = 100

// Page serves the web page and its JSON API:
//
//	GET /                  the page (HTML, CSS and JS embedded in the binary)
//	GET /api/summary       hot spots, loops and recent traces; ?service= &name= &status=error|ok
//	GET /api/trace/{id}    one trace's spans in waterfall order
//	GET /api/events        server-sent events, one "update" per change, at most 4 a second
func Page(st *Store) http.Handler {
	mux := http.NewServeMux()
	static, _ := fs.Sub(web, "web")
	mux.Handle("GET /", http.FileServerFS(static))
	mux.HandleFunc("GET /api/summary", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		writeJSON(w, st.Summarize(Filter{Service: q.Get("service"), Name: q.Get("name"), Status: q.Get("status")}, listLimit))
	})
	mux.HandleFunc("GET /api/trace/{id}", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, map[string]any{"traceId": r.PathValue("id"), "spans": st.Trace(r.PathValue("id"))})
	})
	mux.HandleFunc("GET /api/events", func(w http.ResponseWriter, r *http.Request) {
		events(w, r, st)
	})
	return mux
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(v)
}

// minEventGap keeps a flood of spans from turning into a flood of page
// refreshes: the page hears of changes at most this often.
const minEventGap = 250 * time.Millisecond

// events streams one "update" event whenever the store changes, coalescing
// changes that come faster than minEventGap.
func events(w http.ResponseWriter, r *http.Request, st *Store) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	send := func(v int64) bool {
		_, err := fmt.Fprintf(w, "event: update\ndata: %s\n\n", strconv.FormatInt(v, 10))
		flusher.Flush()
		return err == nil
	}
	changed, v := st.Changed()
	if !send(v) {
		return
	}
	keepAlive := time.NewTicker(15 * time.Second)
	defer keepAlive.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-keepAlive.C:
			if _, err := fmt.Fprint(w, ": keep-alive\n\n"); err != nil {
				return
			}
			flusher.Flush()
		case <-changed:
			select {
			case <-time.After(minEventGap):
			case <-r.Context().Done():
				return
			}
			changed, v = st.Changed()
			if !send(v) {
				return
			}
		}
	}
}
