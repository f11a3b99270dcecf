package graph

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	abs "github.com/microsoft/kiota-abstractions-go"
)

// maxAnswer bounds one answer read into memory; a page of 999 users with
// every selected property is a few megabytes.
const maxAnswer = 64 << 20

// request builds a GET of a Graph path under the adapter's base URL through
// a kiota URI template, so the SDK expands and encodes path and query the
// way its own request builders do. path may hold {name} parameters filled
// from params; query keys are OData names such as "$top".
func (c *Client) request(version, path string, params, query map[string]string) *abs.RequestInformation {
	keys := slices.Sorted(maps.Keys(query))
	template := "{+baseurl}/" + version + path
	if len(keys) > 0 {
		encoded := make([]string, len(keys))
		for i, k := range keys {
			// A template variable cannot hold "$"; the SDK writes it %24
			// and its parameter-name middleware puts the "$" back.
			encoded[i] = strings.ReplaceAll(k, "$", "%24")
		}
		template += "{?" + strings.Join(encoded, ",") + "}"
	}
	ri := abs.NewRequestInformationWithMethodAndUrlTemplateAndPathParameters(abs.GET, template, map[string]string{})
	for k, v := range params {
		ri.PathParameters[k] = v
	}
	for _, k := range keys {
		ri.QueryParameters[strings.ReplaceAll(k, "$", "%24")] = query[k]
	}
	return ri
}

// link builds a GET of an @odata.nextLink. Graph's links are absolute; one
// pointing away from the base URL's host is refused, since the token
// provider would not authenticate it and following it could leak data.
func (c *Client) link(next string) (*abs.RequestInformation, error) {
	u, err := url.Parse(next)
	if err != nil {
		return nil, fmt.Errorf("the next-page link Graph gave (%q) is not a URL: %w", next, err)
	}
	if !u.IsAbs() {
		u = c.base.ResolveReference(u)
	}
	if !sameOrigin(u, c.base) {
		return nil, fmt.Errorf("the next-page link Graph gave points to %s://%s, not to %s", u.Scheme, u.Host, c.base.Host)
	}
	ri := abs.NewRequestInformation()
	ri.Method = abs.GET
	ri.SetUri(*u)
	return ri, nil
}

// send sends a request through the SDK's adapter and pipeline and returns
// the body of a successful answer. A Graph error answer becomes a
// *graphError; a dropped connection or a truncated body is an error too.
// Within a fetch it waits for the pacer's window, and counts the answer
// for the progress.
func (c *Client) send(ctx context.Context, ri *abs.RequestInformation) (body []byte, err error) {
	if p := fetchPacer.of(ctx); p != nil {
		if err := p.acquire(ctx); err != nil {
			return nil, err
		}
		began := time.Now()
		defer func() {
			throttled := throttledStatus(statusOf(err)) || ctx.Err() != nil
			p.release(!throttled)
			if err == nil {
				fetchTracker.of(ctx).answered(requestCollection.of(ctx), time.Since(began))
			}
		}()
	}
	handler := abs.NewRequestHandlerOption()
	handler.SetResponseHandler(func(response any, _ abs.ErrorMappings) (any, error) {
		resp, ok := response.(*http.Response)
		if !ok || resp == nil {
			return nil, errors.New("no answer from Graph")
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer+1))
		if err != nil {
			return nil, fmt.Errorf("the connection broke off while Graph was answering: %w", err)
		}
		if len(b) > maxAnswer {
			return nil, fmt.Errorf("the answer from Graph is larger than %d MB", maxAnswer>>20)
		}
		if resp.StatusCode >= 300 {
			return nil, newGraphError(resp.StatusCode, resp.Header, b)
		}
		body = b
		return nil, nil
	})
	ri.AddRequestOptions([]abs.RequestOption{handler})
	ri.Headers.TryAdd("Accept", "application/json")
	if _, err := c.adapter.SendPrimitive(ctx, ri, "[]byte", nil); err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
			return nil, fmt.Errorf("%w (%v)", ctxErr, err)
		}
		return nil, err
	}
	return body, nil
}

// graphError is an error answer of Graph, with the code and message Graph
// gave, so a person can look it up.
type graphError struct {
	Status    int
	Code      string
	Message   string
	RequestID string
}

func newGraphError(status int, header http.Header, body []byte) *graphError {
	e := &graphError{Status: status, RequestID: header.Get("request-id")}
	var shaped struct {
		Error struct {
			Code       string `json:"code"`
			Message    string `json:"message"`
			InnerError struct {
				RequestID string `json:"request-id"`
			} `json:"innerError"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &shaped) == nil {
		e.Code, e.Message = shaped.Error.Code, shaped.Error.Message
		if e.RequestID == "" {
			e.RequestID = shaped.Error.InnerError.RequestID
		}
	}
	return e
}

// Error reads "Graph answered 403 Forbidden (Authorization_RequestDenied:
// Insufficient privileges to complete the operation.)".
func (e *graphError) Error() string {
	s := fmt.Sprintf("Graph answered %d %s", e.Status, http.StatusText(e.Status))
	switch {
	case e.Code != "" && e.Message != "":
		s += " (" + e.Code + ": " + e.Message + ")"
	case e.Code != "":
		s += " (" + e.Code + ")"
	}
	if e.RequestID != "" {
		s += ", request-id " + e.RequestID
	}
	return s
}

// statusOf is the HTTP status of a Graph error answer, 0 for other errors.
func statusOf(err error) int {
	var ge *graphError
	if errors.As(err, &ge) {
		return ge.Status
	}
	return 0
}

// sameOrigin compares scheme, host and port, a missing port being the
// scheme's own.
func sameOrigin(a, b *url.URL) bool {
	port := func(u *url.URL) string {
		if p := u.Port(); p != "" {
			return p
		}
		if strings.EqualFold(u.Scheme, "http") {
			return "80"
		}
		return "443"
	}
	return strings.EqualFold(a.Scheme, b.Scheme) && strings.EqualFold(a.Hostname(), b.Hostname()) && port(a) == port(b)
}
