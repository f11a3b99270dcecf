package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	abs "github.com/microsoft/kiota-abstractions-go"
	khttp "github.com/microsoft/kiota-http-go"

	"github.com/mfaboard/mfaboard/inventory"
)

// Graph's JSON batching limits and our patience with throttled steps.
const (
	batchSteps       = 20
	maxStepAttempts  = 6
	maxStepWait      = 2 * time.Minute
	defaultStepDelay = 2 * time.Second
)

// perUserMFA reads every account's per-user MFA state from the beta
// /users/{id}/authentication/requirements, 20 accounts per /beta/$batch.
// Items are {"id": "<user id>", "perUserMfaState": "..."} plus whatever else
// Graph put in the answer. The first batch runs alone: a 403 there means the
// app may not read the states at all, which is a warning, not a failure.
func (f *fetcher) perUserMFA(ctx context.Context) error {
	var chunks [][]string
	for i := 0; i < len(f.userIDs); i += batchSteps {
		chunks = append(chunks, f.userIDs[i:min(i+batchSteps, len(f.userIDs))])
	}
	var first []json.RawMessage
	if len(chunks) > 0 {
		items, err := f.c.requirements(ctx, chunks[0])
		if err != nil {
			return refused(inventory.CollPerUserMFA, false, err)
		}
		first, chunks = items, chunks[1:]
	}
	if err := f.begin(inventory.CollPerUserMFA); err != nil {
		return err
	}
	if err := f.add(inventory.CollPerUserMFA, first...); err != nil {
		return err
	}
	f.progress(inventory.CollPerUserMFA)

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(f.opts.Concurrency)
	results := make(chan []json.RawMessage)
	go func() {
		defer close(results)
		for _, chunk := range chunks {
			g.Go(func() error {
				items, err := f.c.requirements(gctx, chunk)
				if err != nil {
					return err
				}
				select {
				case results <- items:
					return nil
				case <-gctx.Done():
					return gctx.Err()
				}
			})
		}
		_ = g.Wait()
	}()
	var sinkErr error
	for items := range results {
		if sinkErr != nil {
			continue // drain so the workers can end
		}
		if sinkErr = f.add(inventory.CollPerUserMFA, items...); sinkErr != nil {
			cancel()
			continue
		}
		f.progress(inventory.CollPerUserMFA)
	}
	if sinkErr != nil {
		return sinkErr
	}
	return g.Wait()
}

type batchStep struct {
	ID     string `json:"id"`
	Method string `json:"method"`
	URL    string `json:"url"`
}

type batchAnswer struct {
	ID      string            `json:"id"`
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers"`
	Body    json.RawMessage   `json:"body"`
}

// requirements reads the per-user MFA state of up to 20 accounts in one
// batch. A step Graph throttles inside the 200 answer (429, or 503/504) is
// sent again after its own Retry-After, a bounded number of times: no SDK
// middleware looks inside a batch. An account deleted since /users was read
// (404) is skipped.
func (c *Client) requirements(ctx context.Context, userIDs []string) ([]json.RawMessage, error) {
	pending := make(map[string]string, len(userIDs)) // step id → user id
	for i, id := range userIDs {
		pending[strconv.Itoa(i+1)] = id
	}
	var out []json.RawMessage
	for attempt := 1; len(pending) > 0; attempt++ {
		if attempt > maxStepAttempts {
			return nil, fmt.Errorf("%d per-user MFA requests of a batch were still throttled after %d attempts; run the sync again later", len(pending), maxStepAttempts)
		}
		answers, err := c.batch(ctx, pending)
		if err != nil {
			return nil, err
		}
		retry := map[string]string{}
		var wait time.Duration
		for stepID, userID := range pending {
			a, ok := answers[stepID]
			if !ok {
				return nil, fmt.Errorf("the batch answer from Graph lacks the request of user %s", userID)
			}
			switch a.Status {
			case http.StatusOK:
				item, err := requirementItem(userID, a.Body)
				if err != nil {
					return nil, err
				}
				out = append(out, item)
			case http.StatusNotFound:
				c.log.Debug("account gone before its per-user MFA state was read", "user", userID)
			case http.StatusTooManyRequests, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
				retry[stepID] = userID
				wait = max(wait, stepDelay(a.Headers, attempt))
			default:
				ge := newGraphError(a.Status, http.Header{}, a.Body)
				return nil, fmt.Errorf("per-user MFA state of user %s: %w", userID, ge)
			}
		}
		if len(retry) > 0 {
			c.log.Info("graph throttled per-user MFA requests inside a batch; retrying", "steps", len(retry), "wait", wait, "attempt", attempt)
			if err := sleep(ctx, wait); err != nil {
				return nil, err
			}
		}
		pending = retry
	}
	return out, nil
}

// batch posts one JSON batch of requirements reads to /beta/$batch and
// returns the answers by step id. A 429 on the batch as a whole is retried
// by the SDK's retry handler like any request.
func (c *Client) batch(ctx context.Context, steps map[string]string) (map[string]batchAnswer, error) {
	req := struct {
		Requests []batchStep `json:"requests"`
	}{}
	for stepID, userID := range steps {
		req.Requests = append(req.Requests, batchStep{ID: stepID, Method: http.MethodGet,
			URL: "/users/" + url.PathEscape(userID) + "/authentication/requirements"})
	}
	body, err := json.Marshal(req)
	if err != nil {
		return nil, fmt.Errorf("encode batch: %w", err)
	}
	ri := abs.NewRequestInformation()
	ri.Method = abs.POST
	ri.SetUri(*c.base.JoinPath("beta", "$batch"))
	ri.SetStreamContentAndContentType(body, "application/json")
	// The SDK's compression handler builds a new ~1 MB gzip writer for every
	// body; for a 2 KB batch that is most of a large sync's allocation and
	// saves Graph nothing, so batches go plain.
	ri.AddRequestOptions([]abs.RequestOption{khttp.NewCompressionOptionsReference(false)})
	answer, err := c.send(ctx, ri)
	if err != nil {
		return nil, err
	}
	var shaped struct {
		Responses []batchAnswer `json:"responses"`
	}
	if err := json.Unmarshal(answer, &shaped); err != nil {
		return nil, fmt.Errorf("the batch answer from Graph is not valid JSON (%v): the answer was cut or garbled", err)
	}
	out := make(map[string]batchAnswer, len(shaped.Responses))
	for _, a := range shaped.Responses {
		out[a.ID] = a
	}
	return out, nil
}

// requirementItem is the perUserMfaState.json item of one account: its id,
// then the fields of Graph's answer as written (annotations left out).
func requirementItem(userID string, body json.RawMessage) (json.RawMessage, error) {
	fields, err := objectFields(body)
	if err != nil {
		return nil, fmt.Errorf("per-user MFA state of user %s is not a JSON object: %w", userID, err)
	}
	id, _ := json.Marshal(userID)
	kept := []field{{key: "id", value: id}}
	for _, fl := range fields {
		if fl.key != "id" && !strings.HasPrefix(fl.key, "@odata.") {
			kept = append(kept, fl)
		}
	}
	return encodeFields(kept), nil
}

// stepDelay is how long a throttled step asks to wait: its Retry-After in
// seconds or as a date, else a doubling delay.
func stepDelay(headers map[string]string, attempt int) time.Duration {
	for k, v := range headers {
		if !strings.EqualFold(k, "Retry-After") {
			continue
		}
		if s, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && s >= 0 {
			return min(time.Duration(s*float64(time.Second)), maxStepWait)
		}
		if t, err := http.ParseTime(v); err == nil {
			return min(max(time.Until(t), 0), maxStepWait)
		}
	}
	return min(defaultStepDelay<<(attempt-1), maxStepWait)
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
