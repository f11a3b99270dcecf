package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	abs "github.com/microsoft/kiota-abstractions-go"
	khttp "github.com/microsoft/kiota-http-go"
	"golang.org/x/sync/errgroup"

	"github.com/mfaboard/mfaboard/graph/export"
)

// Graph's JSON batching limits and our patience with throttled steps.
const (
	batchSteps       = 20
	maxStepAttempts  = 6
	maxStepWait      = 2 * time.Minute
	defaultStepDelay = 2 * time.Second
)

// step is one GET of a JSON batch: a URL relative to the version
// ("/users/{id}/authentication/requirements") and the step's own headers.
type step struct {
	url     string
	headers map[string]string
}

type batchAnswer = export.BatchAnswer

// inBatches asks Graph for one GET per item, batchSteps of them to a
// $batch, the batches side by side. Each batch's answers, in the order of
// its items, go to answered with the batch's items, the index of its first
// item and the batch's own error, if it failed as a whole; the first error
// answered returns stops the rest.
func inBatches[T any](ctx context.Context, c *Client, items []T, stepOf func(T) step,
	answered func(ctx context.Context, from int, chunk []T, answers []batchAnswer, err error) error) error {
	g, gctx := errgroup.WithContext(ctx)
	for from := 0; from < len(items); from += batchSteps {
		chunk := items[from:min(from+batchSteps, len(items))]
		g.Go(func() error {
			steps := make([]step, len(chunk))
			for i, it := range chunk {
				steps[i] = stepOf(it)
			}
			answers, err := c.batchGet(gctx, "v1.0", steps)
			return answered(gctx, from, chunk, answers, err)
		})
	}
	return g.Wait()
}

// batchGet sends up to 20 GETs in one /{version}/$batch and returns their
// answers in the order of steps. A step Graph throttles inside the 200
// answer (429, or 503/504) is sent again after its own Retry-After, a
// bounded number of times: no SDK middleware looks inside a batch. The
// fetch's pacer hears of every throttled step, so the other requests slow
// down too. Any other status is the caller's to judge.
func (c *Client) batchGet(ctx context.Context, version string, steps []step) ([]batchAnswer, error) {
	out := make([]batchAnswer, len(steps))
	pending := make([]int, len(steps))
	for i := range steps {
		pending[i] = i
	}
	for attempt := 1; len(pending) > 0; attempt++ {
		if attempt > maxStepAttempts {
			return nil, fmt.Errorf("%d requests of a batch were still throttled after %d attempts; run the sync again later", len(pending), maxStepAttempts)
		}
		answers, err := c.batch(ctx, version, steps, pending)
		if err != nil {
			return nil, err
		}
		var retry []int
		var wait time.Duration
		for _, i := range pending {
			a, ok := answers[strconv.Itoa(i+1)]
			if !ok {
				return nil, fmt.Errorf("the batch answer from Graph lacks the request %s", steps[i].url)
			}
			if throttledStatus(a.Status) {
				retry = append(retry, i)
				d := stepDelay(a.Headers, attempt)
				wait = max(wait, d)
				if p := fetchPacer.of(ctx); p != nil {
					p.throttledFor(d)
				}
				continue
			}
			out[i] = a
		}
		if len(retry) > 0 {
			c.log.Info("graph throttled requests inside a batch; retrying", "steps", len(retry), "wait", wait, "attempt", attempt)
			if err := sleep(ctx, wait); err != nil {
				return nil, err
			}
		}
		pending = retry
	}
	return out, nil
}

// batch posts the pending steps as one JSON batch (step ids are their
// indexes + 1) and returns the answers by step id. A 429 on the batch as a
// whole is retried by the SDK's retry handler like any request.
func (c *Client) batch(ctx context.Context, version string, steps []step, pending []int) (map[string]batchAnswer, error) {
	req := struct {
		Requests []export.BatchStep `json:"requests"`
	}{}
	for _, i := range pending {
		req.Requests = append(req.Requests, export.BatchStep{ID: strconv.Itoa(i + 1), Method: http.MethodGet, URL: steps[i].url, Headers: steps[i].headers})
	}
	body, err := json.Marshal(req)
	if err != nil {
		return nil, fmt.Errorf("encode batch: %w", err)
	}
	ri := abs.NewRequestInformation()
	ri.Method = abs.POST
	ri.SetUri(*c.base.JoinPath(version, "$batch"))
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

// stepDelay is how long a throttled step asks to wait: its Retry-After in
// seconds or as a date, else a doubling delay.
func stepDelay(headers map[string]string, attempt int) time.Duration {
	return retryAfter(headerOf(headers, "Retry-After"), attempt)
}

// headerOf reads a header of a batch answer without regard to case.
func headerOf(headers map[string]string, name string) string {
	if v, ok := headers[name]; ok {
		return v
	}
	for k, v := range headers {
		if http.CanonicalHeaderKey(k) == http.CanonicalHeaderKey(name) {
			return v
		}
	}
	return ""
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
