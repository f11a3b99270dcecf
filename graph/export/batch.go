package export

import "encoding/json"

// BatchStep and BatchAnswer are one request and one response of Graph's
// JSON batching ($batch), as the client sends them and the emulator
// answers them: one wire format for both sides.
type BatchStep struct {
	ID      string            `json:"id"`
	Method  string            `json:"method"`
	URL     string            `json:"url"`
	Headers map[string]string `json:"headers,omitempty"`
}

// BatchAnswer is one response inside a $batch answer.
type BatchAnswer struct {
	ID      string            `json:"id"`
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers,omitempty"`
	Body    json.RawMessage   `json:"body,omitempty"`
}
