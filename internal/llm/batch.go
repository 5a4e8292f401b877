package llm

// The batch types are shared by the providers' batch clients (openai,
// anthropic) and the provider-neutral orchestration in internal/batch,
// which declares the interface those clients satisfy. They live here so
// that the clients need not import the orchestration.

// BatchState is where a provider's batch is in its life, in words common
// to OpenAI's Batch API and Anthropic's Message Batches.
type BatchState int

// The batch states. Only the ended ones (Done reports true) have results.
const (
	// BatchRunning covers OpenAI's validating, in_progress and finalizing
	// and Anthropic's in_progress.
	BatchRunning BatchState = iota
	// BatchCanceling is a cancel requested and not yet finished.
	BatchCanceling
	// BatchCompleted is a batch whose every request was processed
	// (OpenAI completed, Anthropic ended without a cancel). Some items may
	// still have failed or, for Anthropic, expired.
	BatchCompleted
	// BatchExpired is an OpenAI batch that ran past its 24 h window; the
	// requests it did not reach come back as expired.
	BatchExpired
	// BatchCanceled is a batch that ended after a cancel; the requests it
	// did not reach come back as canceled.
	BatchCanceled
	// BatchFailed is an OpenAI batch rejected as a whole (its input file
	// did not validate); it has no results.
	BatchFailed
)

var batchStateNames = [...]string{
	BatchRunning:   "running",
	BatchCanceling: "canceling",
	BatchCompleted: "completed",
	BatchExpired:   "expired",
	BatchCanceled:  "canceled",
	BatchFailed:    "failed",
}

// String returns the state in words.
func (s BatchState) String() string {
	if s >= 0 && int(s) < len(batchStateNames) {
		return batchStateNames[s]
	}
	return "unknown"
}

// Done reports whether the batch has ended, so its results can be read.
func (s BatchState) Done() bool { return s >= BatchCompleted }

// BatchStatus is one look at a submitted batch.
type BatchStatus struct {
	// State is where the batch is.
	State BatchState
	// Phase is the provider's own word for it ("validating", "finalizing",
	// "ended"), for progress lines.
	Phase string
	// Total is the number of requests in the batch; Completed and Failed
	// count those already answered and those that failed (Anthropic's
	// errored, expired and canceled together).
	Total, Completed, Failed int
	// Message explains a batch that failed as a whole, empty otherwise.
	Message string
}

// BatchResult is the outcome of one request of a batch.
type BatchResult struct {
	// CustomID is the request's custom_id: the construct ID.
	CustomID string
	// Answer is the decision when Err is nil.
	Answer Answer
	// Err is an *Error when the request failed, expired, was canceled or
	// produced no usable decision; a malformed answer's error carries the
	// tokens it cost in Usage.
	Err error
}

// Codes set in Error.Code for requests a batch did not run, so callers can
// tell them from requests that ran and failed. Both are retryable through
// the normal engine.
const (
	// BatchExpiredCode marks a request the batch did not reach before its
	// window closed (Kind Timeout). It is OpenAI's own code.
	BatchExpiredCode = "batch_expired"
	// BatchCanceledCode marks a request the batch did not reach before it
	// was canceled (Kind Canceled). It is OpenAI's own code.
	BatchCanceledCode = "batch_cancelled"
)

// ExpiredError returns the error for a request a batch did not reach before
// its window closed.
func ExpiredError(provider string) *Error {
	return &Error{Kind: Timeout, Provider: provider, Code: BatchExpiredCode,
		Message: "the batch's 24 h window closed before this request ran"}
}

// BatchCanceledError returns the error for a request a batch did not reach
// before it was canceled.
func BatchCanceledError(provider string) *Error {
	return &Error{Kind: Canceled, Provider: provider, Code: BatchCanceledCode,
		Message: "the batch was canceled before this request ran"}
}
