// Package graph reads a tenant from Microsoft Graph through msgraph-sdk-go.
// It is the only package that imports the SDK. The SDK does what it is good
// at — credentials, the allowed-hosts token policy, retries on 429/503/504
// with Retry-After, gzip of request bodies, telemetry headers, the base URL —
// while every object is kept as the JSON Graph wrote: the SDK's typed models
// turn an enum value they do not know into nil or the list type's first
// constant, and the export folder needs Graph's JSON anyway.
package graph

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	khttp "github.com/microsoft/kiota-http-go"
	msgraphsdk "github.com/microsoftgraph/msgraph-sdk-go"
	msgraphcore "github.com/microsoftgraph/msgraph-sdk-go-core"
)

// Client reads one tenant from Graph.
type Client struct {
	adapter *msgraphsdk.GraphRequestAdapter
	base    *url.URL
	log     *slog.Logger
}

// maxRetries bounds the SDK's retries of one throttled request (the SDK also
// stops once the delays add up to three minutes).
const maxRetries = 6

// NewClient checks the configuration and builds the SDK's request adapter
// for it. It asks for no token yet: the first request does.
func NewClient(ctx context.Context, cfg Config) (*Client, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	auth, err := authenticationProvider(cfg)
	if err != nil {
		return nil, err
	}
	adapter, err := msgraphsdk.NewGraphRequestAdapterWithParseNodeFactoryAndSerializationWriterFactoryAndHttpClient(
		auth, nil, nil, pipelineClient(cfg, log))
	if err != nil {
		return nil, fmt.Errorf("graph request adapter: %w", err)
	}
	adapter.SetBaseUrl(cfg.baseURL())
	base, err := url.Parse(cfg.baseURL())
	if err != nil {
		return nil, fmt.Errorf("graph base URL: %w", err)
	}
	return &Client{adapter: adapter, base: base, log: log}, nil
}

// pipelineClient is an http.Client whose transport runs the SDK's middleware
// in a fixed order. The SDK's own default list comes out of a Go map, so its
// order changes from run to run; here compression runs outside the retry
// handler, so a retried $batch resends the same gzipped body (inside it, a
// retry would send the plain body under a leftover Content-Encoding: gzip).
func pipelineClient(cfg Config, log *slog.Logger) *http.Client {
	options := msgraphsdk.GetDefaultClientOptions()
	retry := khttp.NewRetryHandlerWithOptions(khttp.RetryHandlerOptions{
		MaxRetries: maxRetries,
		ShouldRetry: func(waited time.Duration, attempts int, req *http.Request, resp *http.Response) bool {
			log.Info("graph throttled a request; retrying",
				"status", resp.StatusCode, "retry_after", resp.Header.Get("Retry-After"),
				"attempt", attempts+1, "waited", waited, "path", req.URL.Path)
			return true
		},
	})
	middleware := []khttp.Middleware{
		msgraphcore.NewGraphTelemetryHandler(&options),
		khttp.NewUserAgentHandler(),
		khttp.NewParametersNameDecodingHandler(),
		khttp.NewCompressionHandler(),
		retry,
		releaseRetriedAnswer{},
		// Inside the retry handler, it sees every throttled answer and
		// slows the fetch's other requests down (pacer).
		throttleWatch{},
		khttp.NewRedirectHandler(),
	}
	var parent http.RoundTripper
	timeout := 5 * time.Minute
	if cfg.HTTPClient != nil {
		parent = cfg.HTTPClient.Transport
		if cfg.HTTPClient.Timeout > 0 {
			timeout = cfg.HTTPClient.Timeout
		}
	}
	if parent == nil {
		parent = khttp.GetDefaultTransport()
		if t, ok := parent.(*http.Transport); ok {
			// A server that accepts a request and never answers must not
			// hold the sync for the whole client timeout.
			t.ResponseHeaderTimeout = 2 * time.Minute
		}
	}
	return &http.Client{
		Transport: khttp.NewCustomTransportWithParentTransport(parent, middleware...),
		// The redirect middleware follows redirects (and drops the token
		// when the host changes); net/http must not follow them again.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		// The adapter makes this the deadline of every request, retries
		// included, when the caller's context has none.
		Timeout: timeout,
	}
}

// releaseRetriedAnswer reads a throttled answer's small body into memory and
// closes the connection's body, so the connection can serve the retry (the
// SDK's retry handler drops the answer without closing it).
type releaseRetriedAnswer struct{}

func (releaseRetriedAnswer) Intercept(p khttp.Pipeline, i int, req *http.Request) (*http.Response, error) {
	resp, err := p.Next(req, i)
	if err != nil || resp == nil {
		return resp, err
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		_ = resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(body))
	}
	return resp, nil
}
