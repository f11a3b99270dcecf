// Package emulator is an in-process stand-in for Microsoft Graph that serves
// an export.Folder the way Graph serves a tenant: v1.0 and beta paths,
// @odata.nextLink paging with Graph's page caps, $expand=members cut at 20,
// JSON batching, Graph-shaped errors, and the faults a real sync meets
// (throttling, 403 on licence-gated endpoints, dropped connections, broken
// pages). It does not import msgraph-sdk-go, so the SDK is tested against it
// without the emulator paying the SDK's build.
package emulator

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mfaboard/mfaboard/graph/export"
)

// Options shape the emulator's behaviour. The zero value serves the folder
// faithfully with Graph's own limits and no faults.
type Options struct {
	// PageSize caps every page whatever $top asks (0 = Graph's own limits
	// only: 100 objects without $top, $top up to 999, 120 users when
	// signInActivity is selected, 100 objects with $expand).
	PageSize int
	// ThrottleEvery answers every Nth request with 429 and Retry-After: 1
	// (0 = never). The same request is never throttled twice in a row, so a
	// client that retries gets through.
	ThrottleEvery int
	// ThrottleBatches answers every $batch request 429 (Retry-After: 1)
	// the first time its body comes, and serves it when it comes again.
	ThrottleBatches bool
	// BatchThrottleEvery answers every Nth $batch step with a 429 inside the
	// 200 batch answer, with the step's own Retry-After (0 = never). A step
	// throttled once goes through on its next attempt.
	BatchThrottleEvery int
	// Forbidden names collections whose endpoints answer 403 (for example
	// "signIns"). The extra name "signInActivity" makes /users answer 403
	// when signInActivity is selected, as Graph does for a tenant without
	// an Entra ID P1 licence; "groupMembers" makes /groups/{id}/members
	// answer 403, as Graph does for a group with hidden membership.
	Forbidden []string
	// CutAfterPages: collection → once this many of its pages were served,
	// every further page request of it has its connection closed halfway
	// through the answer. Member pages of groups and roles count as pages
	// of groups and directoryRoles.
	CutAfterPages map[string]int
	// MalformedPage: collection → the page with this number (1 = the
	// first served) is answered with broken JSON.
	MalformedPage map[string]int
	// RequireToken, when set, answers 401 to any request without
	// "Authorization: Bearer <RequireToken>".
	RequireToken string
	// StormAfter and StormFor make a 429 storm: once StormAfter requests
	// have come, every request for StormFor, retries included, is answered
	// 429 with Retry-After: 1 (StormFor 0: no storm).
	StormAfter int
	StormFor   time.Duration
	// Latency is waited before every answer (a $batch is one answer), as a
	// round trip to the real Graph costs; 0 answers at once.
	Latency time.Duration
}

// Server is a running emulator on a loopback port.
type Server struct {
	// URL is the root of the emulator, e.g. http://127.0.0.1:41234; Graph
	// paths follow it (/v1.0/users, /beta/$batch).
	URL string

	srv    *httptest.Server
	opts   Options
	tenant *tenant

	mu            sync.Mutex
	requests      int
	batchSteps    int
	throttled     int
	lastThrottled string          // the request last answered 429
	stepThrottled map[string]bool // batch steps answered 429 on their last attempt
	batchesSeen   map[string]bool // $batch bodies throttled once (ThrottleBatches)
	pagesServed   map[string]int
	stormStart    time.Time
}

// New starts an emulator serving folder. Close it when done.
func New(folder export.Folder, opts Options) *Server {
	s := &Server{
		opts:          opts,
		tenant:        newTenant(folder),
		stepThrottled: map[string]bool{},
		batchesSeen:   map[string]bool{},
		pagesServed:   map[string]int{},
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	s.URL = s.srv.URL
	return s
}

// Close shuts the emulator down.
func (s *Server) Close() { s.srv.Close() }

// Requests returns how many HTTP requests reached the emulator (batch steps
// not counted, throttled and refused requests counted).
func (s *Server) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

// Throttled returns how many requests and batch steps were answered 429.
func (s *Server) Throttled() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.throttled
}

// BatchSteps returns how many $batch steps the emulator answered.
func (s *Server) BatchSteps() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.batchSteps
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if s.opts.Latency > 0 {
		t := time.NewTimer(s.opts.Latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	if s.opts.RequireToken != "" && r.Header.Get("Authorization") != "Bearer "+s.opts.RequireToken {
		w.Header().Set("WWW-Authenticate", `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"`)
		s.count()
		writeError(w, http.StatusUnauthorized, "InvalidAuthenticationToken", "Access token validation failure. Invalid audience.")
		return
	}
	if s.throttle(r) {
		w.Header().Set("Retry-After", "1")
		writeError(w, http.StatusTooManyRequests, "TooManyRequests", "Too many requests. Retry after the time the Retry-After header gives.")
		return
	}
	version, path, ok := splitVersion(r.URL.Path)
	if !ok {
		writeError(w, http.StatusBadRequest, "BadRequest", "Invalid version: the path must start with /v1.0 or /beta.")
		return
	}
	if path == "/$batch" {
		if r.Method != http.MethodPost {
			writeError(w, http.StatusMethodNotAllowed, "BadRequest", "$batch takes POST.")
			return
		}
		s.serveBatch(w, r)
		return
	}
	if path == "/identity/conditionalAccess/evaluate" {
		s.serveEvaluate(w, r) // evaluate.go
		return
	}
	if r.Method != http.MethodGet {
		writeError(w, http.StatusMethodNotAllowed, "BadRequest", "The emulator serves GET requests only.")
		return
	}
	ans := s.route(version, path, r.URL.Query(), r.Header)
	s.deliver(w, ans)
}

// count records one request and says whether it is the Nth that throttling
// picks.
func (s *Server) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests++
	return s.requests
}

func (s *Server) throttle(r *http.Request) bool {
	n := s.count()
	if s.opts.StormFor > 0 && n > s.opts.StormAfter {
		s.mu.Lock()
		if s.stormStart.IsZero() {
			s.stormStart = time.Now()
		}
		storm := time.Since(s.stormStart) < s.opts.StormFor
		if storm {
			s.throttled++
		}
		s.mu.Unlock()
		if storm {
			return true
		}
	}
	if s.opts.ThrottleEvery <= 0 || n%s.opts.ThrottleEvery != 0 {
		return false
	}
	key := r.Method + " " + r.URL.String()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lastThrottled == key {
		s.lastThrottled = ""
		return false
	}
	s.lastThrottled = key
	s.throttled++
	return true
}

// splitVersion splits /v1.0/users into "v1.0", "/users". Go has already
// percent-decoded the path, so /places/microsoft.graph.room arrives the same
// however the client encoded it.
func splitVersion(p string) (version, rest string, ok bool) {
	for _, v := range []string{"v1.0", "beta"} {
		prefix := "/" + v
		if p == prefix {
			return v, "/", true
		}
		if strings.HasPrefix(p, prefix+"/") {
			return v, strings.TrimSuffix(p[len(prefix):], "/"), true
		}
	}
	return "", "", false
}

func (s *Server) forbidden(name string) bool {
	for _, f := range s.opts.Forbidden {
		if strings.EqualFold(f, name) {
			return true
		}
	}
	return false
}

// answer is what the emulator replies to one Graph request, before faults.
type answer struct {
	status      int
	body        []byte
	collection  string // for page counting; "" when not a page
	contentType string // "" for Graph's JSON
}

func errorAnswer(status int, code, message string) answer {
	return answer{status: status, body: errorBody(code, message)}
}

func errorBody(code, message string) []byte {
	b, _ := json.Marshal(map[string]any{"error": map[string]any{
		"code":       code,
		"message":    message,
		"innerError": map[string]string{"request-id": "00000000-0000-0000-0000-000000000000"},
	}})
	return b
}

func writeError(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(errorBody(code, message))
}

// deliver writes an answer, applying the page faults of the options.
func (s *Server) deliver(w http.ResponseWriter, a answer) {
	if a.collection != "" && a.status == http.StatusOK {
		s.mu.Lock()
		served := s.pagesServed[a.collection]
		cut, doCut := s.opts.CutAfterPages[a.collection]
		doCut = doCut && served >= cut
		if !doCut {
			s.pagesServed[a.collection] = served + 1
		}
		page := served + 1
		s.mu.Unlock()
		if doCut {
			cutConnection(w, a.body)
			return
		}
		if n, ok := s.opts.MalformedPage[a.collection]; ok && n == page {
			a.body = a.body[:len(a.body)/2]
		}
	}
	ct := a.contentType
	if ct == "" {
		ct = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8"
	}
	w.Header().Set("Content-Type", ct)
	w.WriteHeader(a.status)
	_, _ = w.Write(a.body)
}

// cutConnection announces a full answer, sends part of it and drops the
// connection, as a network failure halfway through a page does.
func cutConnection(w http.ResponseWriter, body []byte) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		writeError(w, http.StatusInternalServerError, "InternalServerError", "connection cannot be hijacked")
		return
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	_, _ = buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
	_, _ = buf.WriteString("Content-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n")
	_, _ = buf.Write(body[:len(body)/3])
	_ = buf.Flush()
}
