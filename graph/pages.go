package graph

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	abs "github.com/microsoft/kiota-abstractions-go"
)

// collectionPage is one page of a Graph collection. Value is a pointer so
// that a page without "value" (not a collection answer) is told apart from
// an empty one.
type collectionPage struct {
	Value    *[]json.RawMessage `json:"value"`
	NextLink string             `json:"@odata.nextLink"`
}

// walk reads a collection from its first request to the last
// @odata.nextLink, handing each page's objects, as Graph wrote them, to
// eachPage, with whether more pages follow. An error on the first page
// comes back unwrapped, so the caller can tell "refused" from "failed"; any
// later failure means the collection is incomplete and is an error.
func (c *Client) walk(ctx context.Context, first *abs.RequestInformation, eachPage func(items []json.RawMessage, more bool) error) error {
	ri := first
	seen := map[string]bool{}
	for n := 1; ; n++ {
		body, err := c.send(ctx, ri)
		if err != nil {
			if n == 1 {
				return err
			}
			return fmt.Errorf("page %d: %w", n, err)
		}
		var p collectionPage
		if err := json.Unmarshal(body, &p); err != nil {
			return fmt.Errorf("page %d is not valid JSON (%v): the answer was cut or garbled", n, err)
		}
		if p.Value == nil {
			return fmt.Errorf("page %d has no \"value\" list: it is not a Graph collection answer", n)
		}
		if err := eachPage(*p.Value, p.NextLink != ""); err != nil {
			return err
		}
		if p.NextLink == "" {
			return nil
		}
		if seen[p.NextLink] {
			return fmt.Errorf("page %d links back to a page already read: Graph's paging loops", n)
		}
		seen[p.NextLink] = true
		if ri, err = c.link(p.NextLink); err != nil {
			return fmt.Errorf("page %d: %w", n, err)
		}
	}
}

// refusal is a collection Graph would not serve at all (403 or 404 on its
// first page, before anything reached the sink): the sync goes on without
// it and says so.
type refusal struct {
	collection string
	err        error
}

func (r *refusal) Error() string { return r.collection + ": " + r.err.Error() }
func (r *refusal) Unwrap() error { return r.err }

// refused wraps err as a refusal when it is a 403 or 404 met before the
// collection began.
func refused(collection string, begun bool, err error) error {
	if err == nil || begun {
		return err
	}
	switch statusOf(err) {
	case 403, 404:
		return &refusal{collection: collection, err: err}
	}
	return err
}

func isRefusal(err error) (*refusal, bool) {
	var r *refusal
	ok := errors.As(err, &r)
	return r, ok
}
