package emulator

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/mfaboard/mfaboard/graph/export"
)

// maxBatchSteps is Graph's limit of requests in one JSON batch.
const maxBatchSteps = 20

type (
	batchStep   = export.BatchStep
	batchAnswer = export.BatchAnswer
)

// serveBatch answers a JSON batch: each step is routed like a request of
// its own; a step BatchThrottleEvery picks answers 429 inside the 200.
// Answers come back in reverse order, since Graph promises no order.
func (s *Server) serveBatch(w http.ResponseWriter, r *http.Request) {
	version, _, _ := splitVersion(r.URL.Path)
	body, err := readBody(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, "BadRequest", "The batch request body could not be read: "+err.Error())
		return
	}
	if s.opts.ThrottleBatches {
		s.mu.Lock()
		first := !s.batchesSeen[string(body)]
		s.batchesSeen[string(body)] = true
		if first {
			s.throttled++
		}
		s.mu.Unlock()
		if first {
			w.Header().Set("Retry-After", "1")
			writeError(w, http.StatusTooManyRequests, "TooManyRequests", "Too many requests. Retry after the time the Retry-After header gives.")
			return
		}
	}
	var req struct {
		Requests []batchStep `json:"requests"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		writeError(w, http.StatusBadRequest, "BadRequest", "Invalid batch payload format.")
		return
	}
	if len(req.Requests) > maxBatchSteps {
		writeError(w, http.StatusBadRequest, "BadRequest", "Too many requests in the batch: the limit is 20.")
		return
	}
	seen := map[string]bool{}
	answers := make([]batchAnswer, 0, len(req.Requests))
	for _, step := range req.Requests {
		if step.ID == "" || seen[step.ID] {
			writeError(w, http.StatusBadRequest, "BadRequest", "Every batch request needs an id of its own.")
			return
		}
		seen[step.ID] = true
		answers = append(answers, s.serveStep(version, step))
	}
	for i, j := 0, len(answers)-1; i < j; i, j = i+1, j-1 {
		answers[i], answers[j] = answers[j], answers[i]
	}
	out, _ := json.Marshal(map[string]any{"responses": answers})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(out)
}

func (s *Server) serveStep(version string, step batchStep) batchAnswer {
	jsonHeaders := map[string]string{"Content-Type": "application/json"}
	if s.throttleStep(step) {
		return batchAnswer{ID: step.ID, Status: http.StatusTooManyRequests,
			Headers: map[string]string{"Retry-After": "1", "Content-Type": "application/json"},
			Body:    errorBody("TooManyRequests", "Too many requests. Retry after the time the Retry-After header gives.")}
	}
	if !strings.EqualFold(step.Method, http.MethodGet) {
		return batchAnswer{ID: step.ID, Status: http.StatusMethodNotAllowed, Headers: jsonHeaders,
			Body: errorBody("BadRequest", "The emulator serves GET requests only.")}
	}
	u, err := url.Parse(step.URL)
	if err != nil {
		return batchAnswer{ID: step.ID, Status: http.StatusBadRequest, Headers: jsonHeaders,
			Body: errorBody("BadRequest", "The step's url is not a URL.")}
	}
	path := "/" + strings.Trim(u.Path, "/")
	if v, rest, ok := splitVersion(path); ok {
		version, path = v, rest
	}
	h := http.Header{}
	for k, v := range step.Headers {
		h.Set(k, v)
	}
	a := s.route(version, path, u.Query(), h)
	body := a.body
	if a.contentType != "" {
		// A batch answer carries a body that is not JSON as a JSON string.
		body, _ = json.Marshal(string(a.body))
		jsonHeaders = map[string]string{"Content-Type": a.contentType}
	}
	return batchAnswer{ID: step.ID, Status: a.status, Headers: jsonHeaders, Body: body}
}

// throttleStep picks every BatchThrottleEvery-th step, sparing a step that
// was throttled on its previous attempt.
func (s *Server) throttleStep(step batchStep) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.batchSteps++
	key := step.Method + " " + step.URL
	if s.stepThrottled[key] {
		delete(s.stepThrottled, key)
		return false
	}
	if s.opts.BatchThrottleEvery <= 0 || s.batchSteps%s.opts.BatchThrottleEvery != 0 {
		return false
	}
	s.stepThrottled[key] = true
	s.throttled++
	return true
}

// readBody reads a request body, gunzipping it when the client compressed
// it (the SDK's compression handler gzips every request body).
func readBody(r *http.Request) ([]byte, error) {
	var rd io.Reader = http.MaxBytesReader(nil, r.Body, 4<<20)
	if strings.EqualFold(r.Header.Get("Content-Encoding"), "gzip") {
		zr, err := gzip.NewReader(rd)
		if err != nil {
			return nil, err
		}
		defer zr.Close()
		rd = zr
	}
	b, err := io.ReadAll(rd)
	if err != nil {
		return nil, err
	}
	return bytes.TrimSpace(b), nil
}
