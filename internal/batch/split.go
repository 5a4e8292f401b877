package batch

import (
	"fmt"

	"github.com/telemetry-inject/telemetry-inject/internal/llm"
	"github.com/telemetry-inject/telemetry-inject/internal/prompt"
)

// split cuts reqs into parts that fit p's limits, or the smaller ones
// given, in order. A request that cannot be encoded, or is larger than a
// whole batch may be, is left out with its error.
func split(p Provider, reqs []prompt.Request, maxRequests int, maxBytes int64) ([][]prompt.Request, map[string]error) {
	limReq, limBytes := p.Limits()
	if maxRequests > 0 && (limReq <= 0 || maxRequests < limReq) {
		limReq = maxRequests
	}
	if maxBytes > 0 && (limBytes <= 0 || maxBytes < limBytes) {
		limBytes = maxBytes
	}
	var parts [][]prompt.Request
	bad := map[string]error{}
	var cur []prompt.Request
	var size int64
	for _, req := range reqs {
		n, err := p.Size(req)
		if err != nil {
			bad[req.ConstructID] = err
			continue
		}
		if limBytes > 0 && n > limBytes {
			bad[req.ConstructID] = &llm.Error{Kind: llm.BadRequest, Message: fmt.Sprintf(
				"the request for %s takes %d bytes, more than a whole batch may (%d)", req.ConstructID, n, limBytes)}
			continue
		}
		if len(cur) > 0 && ((limReq > 0 && len(cur) >= limReq) || (limBytes > 0 && size+n > limBytes)) {
			parts = append(parts, cur)
			cur, size = nil, 0
		}
		cur = append(cur, req)
		size += n
	}
	if len(cur) > 0 {
		parts = append(parts, cur)
	}
	return parts, bad
}
