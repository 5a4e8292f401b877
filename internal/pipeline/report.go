package pipeline

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/telemetry-inject/telemetry-inject/internal/inject"
	"github.com/telemetry-inject/telemetry-inject/internal/source"
)

// Status is what happened to a file.
type Status string

// The file statuses.
const (
	StatusInstrumented Status = "instrumented" // written with telemetry
	StatusUnchanged    Status = "unchanged"    // nothing to do, or already as wanted
	StatusRestored     Status = "restored"     // earlier injections removed
	StatusSkipped      Status = "skipped"      // not touched: does not parse, unsupported
	StatusFailed       Status = "failed"       // not touched: output invalid or write failed
	StatusChanged      Status = "changed"      // not touched: edited by someone during the run
	StatusNotProcessed Status = "not-processed"
)

// ReasonAlreadyInstrumented is the reason of an unchanged file that carries
// exactly the telemetry this run would have given it.
const ReasonAlreadyInstrumented = "already instrumented"

// Outcome is what happened to a construct.
type Outcome string

// The construct outcomes. The first four are the origins of the decisions
// that were rendered into the file.
const (
	OutcomeLLM        Outcome = Outcome(source.OriginLLM)
	OutcomeBuiltin    Outcome = Outcome(source.OriginBuiltin)
	OutcomeFallback   Outcome = Outcome(source.OriginFallback)
	OutcomeCache      Outcome = Outcome(source.OriginCache)
	OutcomeDeclined   Outcome = "declined"    // the planner chose no telemetry
	OutcomeTrimmed    Outcome = "trimmed"     // decided, but over the noise budget (--density)
	OutcomeSkipped    Outcome = "skipped"     // cannot be instrumented invisibly, or opted out
	OutcomeExcluded   Outcome = "excluded"    // its kind was excluded by a flag
	OutcomeNotWritten Outcome = "not-written" // decided, but its file was not written
)

// ConstructSkip records one construct that was left alone, and why.
type ConstructSkip struct {
	Line   int         `json:"line"`
	Kind   source.Kind `json:"kind"`
	Name   string      `json:"name"`
	Reason string      `json:"reason"`
}

// FileReport is what happened to one file.
type FileReport struct {
	Path       string                          `json:"path"`
	Lang       source.Language                 `json:"language"`
	Status     Status                          `json:"status"`
	Reason     string                          `json:"reason,omitempty"`
	Constructs map[source.Kind]map[Outcome]int `json:"constructs,omitempty"`
	Skips      []ConstructSkip                 `json:"skipped_constructs,omitempty"`
	Fallbacks  []string                        `json:"fallbacks,omitempty"`
	// SourceLines and InjectedLines measure the noise budget: the file's
	// lines without telemetry, and the lines that carry injected code
	// (lines added, and lines of the file that code was inserted into:
	// Go and JavaScript insert into existing lines only). AddedLines are
	// the lines added alone. All are 0 for a file that was not
	// instrumented or left unchanged by a decision of its own (failed,
	// skipped, not processed).
	SourceLines   int `json:"source_lines"`
	InjectedLines int `json:"injected_lines"`
	AddedLines    int `json:"added_lines"`
}

func (f *FileReport) count(k source.Kind, o Outcome) {
	if f.Constructs == nil {
		f.Constructs = map[source.Kind]map[Outcome]int{}
	}
	if f.Constructs[k] == nil {
		f.Constructs[k] = map[Outcome]int{}
	}
	f.Constructs[k][o]++
}

// Report is what a run did, file by file and in total.
type Report struct {
	DryRun       bool                            `json:"dry_run"`
	Files        []FileReport                    `json:"files"`
	ByStatus     map[Status]int                  `json:"files_by_status"`
	Constructs   map[source.Kind]map[Outcome]int `json:"constructs"`
	RuntimeFiles []string                        `json:"runtime_files"`
	// SourceLines, InjectedLines and AddedLines total the files' counts.
	SourceLines   int `json:"source_lines"`
	InjectedLines int `json:"injected_lines"`
	AddedLines    int `json:"added_lines"`
	// RuntimesKept are runtime files --remove left in place, with why: a
	// file still imports it, or it is not ours.
	RuntimesKept []KeptRuntime `json:"runtime_files_kept,omitempty"`
}

// Density is the lines carrying injected code per 100 source lines, the
// measure of the noise budget (0 when no source line was read).
func (r *Report) Density() float64 {
	if r.SourceLines == 0 {
		return 0
	}
	return 100 * float64(r.InjectedLines) / float64(r.SourceLines)
}

// KeptRuntime is a runtime file left in place, and why.
type KeptRuntime struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
	// StillImported says a file still imports it, so the removal is not
	// complete; otherwise the file is not ours.
	StillImported bool `json:"still_imported"`
}

func (r *Report) add(f FileReport) {
	r.Files = append(r.Files, f)
	if r.ByStatus == nil {
		r.ByStatus = map[Status]int{}
		r.Constructs = map[source.Kind]map[Outcome]int{}
	}
	r.ByStatus[f.Status]++
	r.SourceLines += f.SourceLines
	r.InjectedLines += f.InjectedLines
	r.AddedLines += f.AddedLines
	for k, m := range f.Constructs {
		if r.Constructs[k] == nil {
			r.Constructs[k] = map[Outcome]int{}
		}
		for o, n := range m {
			r.Constructs[k][o] += n
		}
	}
}

// Instrumented counts the constructs that now carry telemetry.
func (r *Report) Instrumented() int {
	n := 0
	for _, m := range r.Constructs {
		n += m[OutcomeLLM] + m[OutcomeBuiltin] + m[OutcomeFallback] + m[OutcomeCache]
	}
	return n
}

// packageType reads the "type" field of a package.json; a file that is not
// valid JSON counts as CommonJS, Node's default.
func packageType(b []byte) string {
	var pkg struct {
		Type string `json:"type"`
	}
	if json.Unmarshal(b, &pkg) != nil {
		return ""
	}
	return pkg.Type
}

// injectedLines counts the lines of an instrumented file that carry
// injected code: each line an edit adds, and each line of src that an
// edit inserts code into. Indentation alone (Python's re-indented body)
// carries none.
func injectedLines(src []byte, edits []inject.Edit) int {
	n := 0
	touched := map[int]bool{}
	for _, e := range edits {
		if strings.TrimSpace(e.New) == "" {
			continue
		}
		if k := strings.Count(e.New, "\n"); k > 0 {
			n += k
			continue
		}
		touched[bytes.Count(src[:e.At], []byte("\n"))] = true
	}
	return n + len(touched)
}
