package emulator_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/mfaboard/mfaboard/graph/emulator"
	"github.com/mfaboard/mfaboard/graph/export"
)

// stepAnswer is one answer of a $batch, as the client reads it.
type stepAnswer = export.BatchAnswer

// postBatch sends the steps' URLs as a gzipped batch, as the SDK does, and
// returns the answers by step id.
func postBatch(t *testing.T, s *emulator.Server, urls ...string) (int, map[string]stepAnswer) {
	t.Helper()
	var steps []map[string]string
	for i, u := range urls {
		steps = append(steps, map[string]string{"id": fmt.Sprint(i + 1), "method": "GET", "url": u})
	}
	raw, _ := json.Marshal(map[string]any{"requests": steps})
	var zipped bytes.Buffer
	zw := gzip.NewWriter(&zipped)
	_, _ = zw.Write(raw)
	_ = zw.Close()
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/beta/$batch", &zipped)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Content-Encoding", "gzip")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return resp.StatusCode, nil
	}
	byID := answersByID(t, resp)
	if len(byID) != len(urls) {
		t.Fatalf("%d answers for %d steps", len(byID), len(urls))
	}
	return resp.StatusCode, byID
}

// postBatchSteps posts steps written as JSON objects, plain, and returns the
// answers by step id.
func postBatchSteps(t *testing.T, s *emulator.Server, steps ...string) (int, map[string]stepAnswer) {
	t.Helper()
	body := `{"requests":[` + strings.Join(steps, ",") + `]}`
	resp, err := http.Post(s.URL+"/v1.0/$batch", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	return resp.StatusCode, answersByID(t, resp)
}

// answersByID reads a $batch answer's responses by step id.
func answersByID(t *testing.T, resp *http.Response) map[string]stepAnswer {
	t.Helper()
	var out struct {
		Responses []stepAnswer `json:"responses"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	byID := map[string]stepAnswer{}
	for _, a := range out.Responses {
		byID[a.ID] = a
	}
	return byID
}

func requirementsURL(id string) string { return "/users/" + id + "/authentication/requirements" }

func TestBatchAnswersEachStep(t *testing.T) {
	t.Parallel()
	s := start(t, folder(3), emulator.Options{})
	status, answers := postBatch(t, s, requirementsURL("u-0001"), requirementsURL("u-0002"), "users/u-nope/authentication/requirements", "/groups/g-all/members")
	if status != http.StatusOK {
		t.Fatalf("batch: %d", status)
	}
	want := map[string]struct {
		status int
		body   string
	}{
		"1": {200, `{"perUserMfaState":"enforced"}`},
		"2": {200, `{"perUserMfaState":"disabled"}`},
		"3": {404, `Request_ResourceNotFound`},
		"4": {200, `"id":"u-0003"`},
	}
	for id, w := range want {
		a := answers[id]
		if a.Status != w.status || !strings.Contains(string(a.Body), w.body) {
			t.Errorf("step %s: %d %s, want %d with %s", id, a.Status, a.Body, w.status, w.body)
		}
	}
}

func TestBatchRefusesMoreThanTwentySteps(t *testing.T) {
	t.Parallel()
	s := start(t, folder(21), emulator.Options{})
	var urls []string
	for i := 1; i <= 21; i++ {
		urls = append(urls, requirementsURL(userID(i)))
	}
	if status, _ := postBatch(t, s, urls...); status != http.StatusBadRequest {
		t.Errorf("a batch of 21 got %d, want 400", status)
	}
}

func TestBatchThrottlesStepsInsideA200(t *testing.T) {
	t.Parallel()
	s := start(t, folder(6), emulator.Options{BatchThrottleEvery: 2})
	_, answers := postBatch(t, s, requirementsURL("u-0001"), requirementsURL("u-0002"), requirementsURL("u-0003"), requirementsURL("u-0004"))
	var throttled []string
	for id, a := range answers {
		if a.Status == http.StatusTooManyRequests {
			if a.Headers["Retry-After"] != "1" {
				t.Errorf("throttled step %s has Retry-After %q, want 1", id, a.Headers["Retry-After"])
			}
			n, _ := strconv.Atoi(id)
			throttled = append(throttled, requirementsURL(userID(n)))
		}
	}
	if len(throttled) != 2 {
		t.Fatalf("%d of 4 steps throttled, want 2", len(throttled))
	}
	// The retried steps are the 5th and 6th; the 6th would be picked, but a
	// step throttled on its last attempt goes through.
	_, answers = postBatch(t, s, throttled...)
	for id, a := range answers {
		if a.Status != http.StatusOK {
			t.Errorf("retried step %s got %d", id, a.Status)
		}
	}
}
