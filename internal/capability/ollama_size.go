package capability

import (
	"context"
	"fmt"
	"strings"
)

// f16Bytes is the size of one KV-cache element at Ollama's default
// OLLAMA_KV_CACHE_TYPE (f16). The server's setting is not visible over
// HTTP; q8_0 would halve the cache and so roughly double the slots.
const f16Bytes = 2.0

// detectOllama sizes each Ollama server and adds them up.
//
// For a server on this machine with GPUs nvidia-smi or rocm-smi can see:
//
//	kv_per_slot = 2 (K and V) × Σ_layers kv_heads × head_dim × num_ctx × 2 bytes (f16)
//	overhead    = 512 MiB per GPU + 10% of the model size
//	budget      = total VRAM − model size − overhead
//	              (lowered to free VRAM + the model's own VRAM, when other
//	              processes hold memory)
//	slots       = clamp(floor(budget / kv_per_slot), 1, 32)
//
// head_dim is <arch>.attention.key_length/value_length when the model
// states them, else embedding_length / head_count. num_ctx is, in order:
// the context the provider requests (Input.NumCtx), the loaded model's
// (/api/ps), the Modelfile's num_ctx, or Ollama's VRAM-based default (4096
// under 23 GiB, 32768 under 47 GiB, 262144 above), never above the model's
// trained context. A model only partly in VRAM gets 1 slot. A remote
// server, or no GPU found, gets DefaultParallel.
func detectOllama(ctx context.Context, in Input) Report {
	r := Report{Entry: in.Models.Lookup(in.Provider, in.Model)}
	urls := in.BaseURLs
	if len(urls) == 0 {
		urls = []string{DefaultOllamaURL}
	}
	probed := false
	for _, u := range urls {
		local := isLocal(u)
		if local && !probed {
			gpus, notes := detectGPUs(ctx, in.Run, in.CommandTimeout)
			r.GPUs, probed = gpus, true
			r.Details = append(r.Details, notes...)
		}
		h, numCtx, details := sizeOllamaHost(ctx, in, u, local, r.GPUs)
		r.Hosts = append(r.Hosts, h)
		r.Parallel += h.Parallel
		if numCtx > 0 && (r.ContextWindow == 0 || numCtx < r.ContextWindow) {
			r.ContextWindow = numCtx
		}
		for _, d := range details {
			r.Details = append(r.Details, hostPrefix(len(urls), u)+d)
		}
	}
	if len(r.Hosts) == 1 {
		r.Reason = r.Hosts[0].Reason
	} else {
		parts := make([]string, len(r.Hosts))
		for i, h := range r.Hosts {
			parts[i] = fmt.Sprint(h.Parallel)
		}
		r.Reason = fmt.Sprintf("%d Ollama servers: %s → %d parallel requests", len(r.Hosts), strings.Join(parts, " + "), r.Parallel)
	}
	if r.ContextWindow == 0 {
		r.ContextWindow = 4096
	}
	r.Details = append(r.Details,
		"Ollama runs OLLAMA_NUM_PARALLEL requests per model at once (default 1) and queues the rest; the server does not report it over HTTP, so the engine adapts to the latency it sees")
	return r
}

func hostPrefix(n int, u string) string {
	if n == 1 {
		return ""
	}
	return u + ": "
}

// sizeOllamaHost returns the host's line, the context per slot and the
// reasoning steps.
func sizeOllamaHost(ctx context.Context, in Input, base string, local bool, gpus []GPU) (Host, int, []string) {
	h := Host{BaseURL: base, Parallel: DefaultParallel}
	hctx, cancel := context.WithTimeout(ctx, httpTimeout)
	defer cancel()
	m, details, err := probeOllama(hctx, in.HTTPClient, base, in.Model)
	if err != nil {
		h.Reason = fmt.Sprintf("%v: default %d parallel requests", err, DefaultParallel)
		return h, in.NumCtx, append(details, h.Reason)
	}
	details = append(details, describeModel(in.Model, m))

	size, sizeFrom := m.diskSize, "/api/tags"
	if size == 0 && m.loadedSize > 0 {
		size, sizeFrom = m.loadedSize, "/api/ps (includes its current KV cache)"
	}
	if m.loaded {
		details = append(details, fmt.Sprintf("loaded: %s, %s of it in VRAM, context %d (/api/ps)", gib(m.loadedSize), gib(m.loadedVRAM), m.loadedCtx))
	} else {
		details = append(details, "not loaded yet (/api/ps)")
	}

	var total, free int64
	usable, freeKnown := 0, true
	for _, g := range gpus {
		if g.MemoryTotalMB > 0 {
			usable++
			total += int64(g.MemoryTotalMB) << 20
			if g.MemoryFreeMB < 0 {
				freeKnown = false
			}
			free += int64(max(g.MemoryFreeMB, 0)) << 20
		}
	}
	numCtx, ctxFrom := chooseNumCtx(in.NumCtx, m, local && usable > 0, total)
	details = append(details, fmt.Sprintf("context per slot: %d tokens (%s)", numCtx, ctxFrom))

	switch {
	case !local:
		h.Reason = fmt.Sprintf("remote Ollama server: its GPUs are not visible from here, model size %s → default %d parallel requests", gib(size), DefaultParallel)
		return h, numCtx, append(details, h.Reason)
	case usable == 0:
		h.Reason = fmt.Sprintf("no GPU with known VRAM found (CPU or Apple silicon?), model size %s → default %d parallel requests", gib(size), DefaultParallel)
		return h, numCtx, append(details, h.Reason)
	case size == 0:
		h.Reason = fmt.Sprintf("%s, model size unknown → default %d parallel requests", describeGPUs(gpus), DefaultParallel)
		return h, numCtx, append(details, h.Reason)
	case m.loaded && m.loadedVRAM < m.loadedSize:
		h.Parallel = 1
		h.Reason = fmt.Sprintf("%s, model size %s: only %s of it in VRAM, the rest runs on the CPU → 1 parallel request", describeGPUs(gpus), gib(m.loadedSize), gib(m.loadedVRAM))
		return h, numCtx, append(details, h.Reason)
	case m.kvHeadsTotal == 0 || m.keyLen+m.valueLen == 0:
		h.Reason = fmt.Sprintf("%s, model size %s, KV-cache shape not in model_info → default %d parallel requests", describeGPUs(gpus), gib(size), DefaultParallel)
		return h, numCtx, append(details, h.Reason)
	}

	kv := int64(m.kvPerToken(f16Bytes) * float64(numCtx))
	shape := fmt.Sprintf("2 × %d layers × %d KV heads × %d head dim", m.layers, m.kvHeadsTotal/max(m.layers, 1), (m.keyLen+m.valueLen)/2)
	if m.kvPerLayer || m.keyLen != m.valueLen {
		shape = fmt.Sprintf("%d KV heads summed over layers × (%d K + %d V head dims)", m.kvHeadsTotal, m.keyLen, m.valueLen)
	}
	details = append(details, fmt.Sprintf("KV cache per slot: %s × %d tokens × 2 bytes (f16 assumed) = %s", shape, numCtx, gib(kv)))
	overhead := int64(usable)*512<<20 + size/10
	budget := total - size - overhead
	details = append(details, fmt.Sprintf("VRAM budget: %s total − %s model − %s overhead (512MiB per GPU + 10%% of the model) = %s", gib(total), gib(size), gib(overhead), gib(max(budget, 0))))
	if freeKnown {
		own := int64(0)
		if m.loaded {
			own = m.loadedVRAM
		}
		if avail := free + own - size - overhead; avail < budget {
			budget = avail
			details = append(details, fmt.Sprintf("other processes hold VRAM: %s free (+ %s of this model) leaves %s", gib(free), gib(own), gib(max(budget, 0))))
		}
	}
	slots := 1
	if budget > 0 {
		slots = int(min(budget/kv, MaxSlots))
	}
	slots = max(slots, 1)
	h.Parallel = slots
	h.Reason = fmt.Sprintf("%s, model size %s, KV cache %s per slot (%d tokens) → %d parallel %s",
		describeGPUs(gpus), gib(size), gib(kv), numCtx, slots, plural(slots, "request", "requests"))
	details = append(details, fmt.Sprintf("slots: floor(%s / %s) clamped to [1, %d] = %d (model size from %s)", gib(max(budget, 0)), gib(kv), MaxSlots, slots, sizeFrom))
	return h, numCtx, details
}

// chooseNumCtx picks the context one slot holds; see detectOllama.
func chooseNumCtx(requested int, m ollamaModel, vramKnown bool, totalVRAM int64) (int, string) {
	n, from := 0, ""
	switch {
	case requested > 0:
		n, from = requested, "num_ctx requested by the provider"
	case m.loadedCtx > 0:
		n, from = m.loadedCtx, "the loaded model's context, /api/ps"
	case m.numCtxParam > 0:
		n, from = m.numCtxParam, "num_ctx in the Modelfile"
	case vramKnown && totalVRAM >= 47<<30:
		n, from = 262144, "Ollama's default for 47GiB+ of VRAM"
	case vramKnown && totalVRAM >= 23<<30:
		n, from = 32768, "Ollama's default for 23-47GiB of VRAM"
	default:
		n, from = 4096, "Ollama's default for small or unknown VRAM"
	}
	if m.trainCtx > 0 && n > m.trainCtx {
		n, from = m.trainCtx, from+", capped at the model's trained context"
	}
	return n, from
}

func describeModel(name string, m ollamaModel) string {
	var b strings.Builder
	fmt.Fprintf(&b, "model %s: architecture %q", name, m.arch)
	if m.paramSize != "" {
		fmt.Fprintf(&b, ", %s parameters", m.paramSize)
	} else if m.paramCount > 0 {
		fmt.Fprintf(&b, ", %.1fB parameters", float64(m.paramCount)/1e9)
	}
	if m.quant != "" {
		fmt.Fprintf(&b, ", %s", m.quant)
	}
	fmt.Fprintf(&b, ", %d layers, %d KV heads in all, K/V head dims %d/%d, trained context %d, %s on disk",
		m.layers, m.kvHeadsTotal, m.keyLen, m.valueLen, m.trainCtx, gib(m.diskSize))
	return b.String()
}
