package llm

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// The provider names Config.Provider accepts.
const (
	OpenAI           = "openai"
	Anthropic        = "anthropic"
	Ollama           = "ollama"
	OpenAICompatible = "openai-compatible"
)

// Default models, chosen for structured-output support at a low price: the
// decision is a small JSON object, not a task for a flagship model.
const (
	DefaultOpenAIModel    = "gpt-4.1-mini"
	DefaultAnthropicModel = "claude-haiku-4-5"
	DefaultOllamaModel    = "llama3.2"
)

// Default base URLs.
const (
	DefaultOpenAIBaseURL    = "https://api.openai.com/v1"
	DefaultAnthropicBaseURL = "https://api.anthropic.com"
	DefaultOllamaBaseURL    = "http://127.0.0.1:11434"
)

// Config says which provider to ask and how to reach it.
type Config struct {
	// Provider is one of OpenAI, Anthropic, Ollama, OpenAICompatible, or ""
	// for the built-in planner (no LLM).
	Provider string
	// BaseURL is the server to talk to; "" means the provider's default.
	BaseURL string
	// BaseURLs lists every server of a fleet when LLM_BASE_URL named
	// several, comma-separated; BaseURL is then the first of them. A client
	// talks to BaseURL only: the caller builds one client per entry.
	BaseURLs []string
	// Model is the model name the provider knows.
	Model string
	// APIKey authenticates to hosted providers; optional for
	// OpenAI-compatible servers and unused by Ollama.
	APIKey string
	// Timeout bounds one request; 0 means the provider default
	// (DefaultTimeout, or DefaultOllamaTimeout for local models, which may
	// first have to load).
	Timeout time.Duration
	// HTTPClient sends the requests; nil means one with a connection pool
	// sized for many parallel requests to one host.
	HTTPClient *http.Client
}

// Default per-request timeouts.
const (
	DefaultTimeout       = 2 * time.Minute
	DefaultOllamaTimeout = 5 * time.Minute
)

// ConfigFromEnv reads the configuration from environment variables through
// getenv (os.Getenv in production, a map in tests):
//
//   - LLM_PROVIDER, LLM_BASE_URL (a comma-separated list for a fleet) and
//     LLM_MODEL, which win over the provider-specific variables;
//   - OPENAI_API_KEY and OPENAI_BASE_URL, ANTHROPIC_API_KEY and
//     ANTHROPIC_BASE_URL, OLLAMA_HOST (host, host:port or URL), as each
//     provider's own tools read them.
//
// With LLM_PROVIDER unset the provider is inferred: ANTHROPIC_API_KEY means
// anthropic, OPENAI_API_KEY means openai (openai-compatible when LLM_BASE_URL
// points somewhere other than api.openai.com, so the key's owner is not
// mistaken for a hosted-OpenAI account), OLLAMA_HOST means ollama, LLM_BASE_URL
// alone means openai-compatible, and nothing means "" (the built-in planner).
// Empty fields are filled with the provider's default base URL and model.
func ConfigFromEnv(getenv func(string) string) Config {
	get := func(k string) string { return strings.TrimSpace(getenv(k)) }
	var c Config
	c.BaseURLs = splitList(get("LLM_BASE_URL"))
	c.Provider = strings.ToLower(get("LLM_PROVIDER"))
	if c.Provider == "" {
		switch {
		case get("ANTHROPIC_API_KEY") != "":
			c.Provider = Anthropic
		case get("OPENAI_API_KEY") != "":
			c.Provider = OpenAI
			if len(c.BaseURLs) > 0 && !isOpenAIHost(c.BaseURLs[0]) {
				c.Provider = OpenAICompatible
			}
		case get("OLLAMA_HOST") != "":
			c.Provider = Ollama
		case len(c.BaseURLs) > 0:
			c.Provider = OpenAICompatible
		}
	}
	switch c.Provider {
	case OpenAI, OpenAICompatible:
		c.APIKey = get("OPENAI_API_KEY")
		if len(c.BaseURLs) == 0 {
			c.BaseURLs = splitList(get("OPENAI_BASE_URL"))
		}
	case Anthropic:
		c.APIKey = get("ANTHROPIC_API_KEY")
		if len(c.BaseURLs) == 0 {
			c.BaseURLs = splitList(get("ANTHROPIC_BASE_URL"))
		}
	case Ollama:
		if len(c.BaseURLs) == 0 {
			c.BaseURLs = splitList(get("OLLAMA_HOST"))
		}
	}
	c.Model = get("LLM_MODEL")
	return c.WithDefaults()
}

// WithDefaults returns c with the provider's default model and base URL
// where they are empty, OLLAMA_HOST-style addresses turned into URLs, and
// BaseURL and BaseURLs made consistent. Flags that override the environment
// are applied to the Config before calling it.
func (c Config) WithDefaults() Config {
	if c.BaseURL != "" && (len(c.BaseURLs) == 0 || c.BaseURLs[0] != c.BaseURL) {
		c.BaseURLs = splitList(c.BaseURL)
	}
	if len(c.BaseURLs) == 0 {
		switch c.Provider {
		case OpenAI:
			c.BaseURLs = []string{DefaultOpenAIBaseURL}
		case Anthropic:
			c.BaseURLs = []string{DefaultAnthropicBaseURL}
		case Ollama:
			c.BaseURLs = []string{DefaultOllamaBaseURL}
		}
	}
	var urls []string
	for _, u := range c.BaseURLs {
		urls = append(urls, normalizeBaseURL(c.Provider, u))
	}
	c.BaseURLs = urls
	c.BaseURL = ""
	if len(urls) > 0 {
		c.BaseURL = urls[0]
	}
	if c.Model == "" {
		switch c.Provider {
		case OpenAI:
			c.Model = DefaultOpenAIModel
		case Anthropic:
			c.Model = DefaultAnthropicModel
		case Ollama:
			c.Model = DefaultOllamaModel
		}
	}
	return c
}

// Validate reports what is missing or wrong for the configured provider, in
// words a user can act on. The built-in planner ("") is always valid.
func (c Config) Validate() error {
	switch c.Provider {
	case "":
		return nil
	case OpenAI:
		if c.APIKey == "" {
			return errors.New("provider openai needs an API key: set OPENAI_API_KEY")
		}
	case Anthropic:
		if c.APIKey == "" {
			return errors.New("provider anthropic needs an API key: set ANTHROPIC_API_KEY")
		}
	case Ollama:
	case OpenAICompatible:
		if c.BaseURL == "" {
			return errors.New("provider openai-compatible needs the server's URL: set LLM_BASE_URL (e.g. http://localhost:8000/v1)")
		}
	default:
		return fmt.Errorf("unknown provider %q: use openai, anthropic, ollama or openai-compatible", c.Provider)
	}
	for _, u := range c.BaseURLs {
		p, err := url.Parse(u)
		if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			return fmt.Errorf("base URL %q is not an http(s) URL", u)
		}
	}
	return nil
}

// Client returns c.HTTPClient, or a client whose connection pool keeps
// enough idle connections per host for parallel requests (the standard
// library keeps two, which makes a parallel run reconnect constantly).
// Timeouts come from each request's context, not from the client.
func (c Config) Client() *http.Client {
	if c.HTTPClient != nil {
		return c.HTTPClient
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 256
	t.MaxIdleConns = 1024
	return &http.Client{Transport: t}
}

// RequestTimeout returns the per-request timeout: Timeout, or the
// provider's default.
func (c Config) RequestTimeout() time.Duration {
	switch {
	case c.Timeout > 0:
		return c.Timeout
	case c.Provider == Ollama:
		return DefaultOllamaTimeout
	}
	return DefaultTimeout
}

// OllamaURL turns an OLLAMA_HOST value (":11434", "0.0.0.0", "host:port",
// "http://host:port") into a URL the way the ollama command does: http
// unless a scheme is given, port 11434 unless one is given, and the
// loopback address for an empty host. A trailing "/v1" or "/api" is
// dropped: the native API the client speaks is under the root.
func OllamaURL(host string) string {
	host = strings.TrimSpace(host)
	if host == "" {
		return DefaultOllamaBaseURL
	}
	scheme, hostport := "http", host
	if i := strings.Index(host, "://"); i >= 0 {
		scheme, hostport = host[:i], host[i+3:]
	}
	path := ""
	if i := strings.Index(hostport, "/"); i >= 0 {
		hostport, path = hostport[:i], strings.TrimRight(hostport[i:], "/")
	}
	// The native API is under /api/ at the root; a URL copied from the
	// OpenAI-compatible docs ends in /v1, one copied from a curl example
	// in /api.
	path = strings.TrimSuffix(strings.TrimSuffix(path, "/v1"), "/api")
	h, port, err := net.SplitHostPort(hostport)
	if err != nil {
		h, port = strings.Trim(hostport, "[]"), ""
	}
	if h == "" {
		h = "127.0.0.1"
	}
	if port == "" {
		port = "11434"
		if scheme == "https" {
			port = "443"
		}
	}
	return scheme + "://" + net.JoinHostPort(h, port) + path
}

// normalizeBaseURL accepts the base URLs users copy from each provider's
// documentation and turns them into what the client appends its paths to:
// Ollama's native API lives at the root, so an OpenAI-style ".../v1" (or
// ".../api") is taken off; the OpenAI SDK appends "/chat/completions" to
// the base, so a bare server address gets "/v1", where OpenAI, vLLM,
// LM Studio, llama.cpp and Ollama all serve it; the Anthropic SDK appends
// "/v1/messages", so a trailing "/v1" is taken off. A path other than
// these (a gateway's "/openai/v1", say) is left alone.
func normalizeBaseURL(provider, u string) string {
	switch provider {
	case Ollama:
		return OllamaURL(u)
	case Anthropic:
		return strings.TrimSuffix(u, "/v1")
	case OpenAI, OpenAICompatible:
		if p, err := url.Parse(u); err == nil && p.Host != "" && strings.Trim(p.Path, "/") == "" && p.RawQuery == "" {
			return strings.TrimRight(u, "/") + "/v1"
		}
	}
	return u
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, strings.TrimRight(part, "/"))
		}
	}
	return out
}

func isOpenAIHost(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && strings.EqualFold(u.Hostname(), "api.openai.com")
}

// Fleet returns one Config per base URL, each with BaseURL set to it and
// BaseURLs to it alone, for building one client per server of a fleet. A
// Config with a single URL gives itself.
func (c Config) Fleet() []Config {
	if len(c.BaseURLs) <= 1 {
		return []Config{c}
	}
	out := make([]Config, len(c.BaseURLs))
	for i, u := range c.BaseURLs {
		one := c
		one.BaseURL, one.BaseURLs = u, []string{u}
		out[i] = one
	}
	return out
}

// String describes the configuration for -v output and logs, with the API
// key shown only as set or not set.
func (c Config) String() string {
	key := "no key"
	if c.APIKey != "" {
		key = "key set"
	}
	provider := c.Provider
	if provider == "" {
		provider = "built-in planner"
	}
	shown := make([]string, len(c.BaseURLs))
	for i, u := range c.BaseURLs {
		shown[i] = ShowURL(u)
	}
	return fmt.Sprintf("%s model=%q base=%s (%s)", provider, c.Model, strings.Join(shown, ","), key)
}

// GoString keeps %#v from printing the key.
func (c Config) GoString() string { return "llm.Config{" + c.String() + "}" }
