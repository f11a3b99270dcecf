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
// eachPage, with whether more pages follow. The next page is asked for
// before eachPage runs, so handling a page overlaps the next round trip.
// An error on the first page comes back unwrapped, so the caller can tell
// "refused" from "failed"; any later failure means the collection is
// incomplete and is an error.
func (c *Client) walk(ctx context.Context, first *abs.RequestInformation, eachPage func(items []json.RawMessage, more bool) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // a page asked for in vain
	type answer struct {
		body []byte
		err  error
	}
	ask := func(ctx context.Context, ri *abs.RequestInformation) <-chan answer {
		ch := make(chan answer, 1)
		go func() {
			body, err := c.send(ctx, ri)
			ch <- answer{body, err}
		}()
		return ch
	}
	seen := map[string]bool{}
	pending := ask(ctx, first)
	for n := 1; ; n++ {
		a := <-pending
		if a.err != nil {
			if n == 1 {
				return a.err
			}
			return fmt.Errorf("page %d: %w", n, a.err)
		}
		var p collectionPage
		if err := json.Unmarshal(a.body, &p); err != nil {
			return fmt.Errorf("page %d is not valid JSON (%v): the answer was cut or garbled", n, err)
		}
		if p.Value == nil {
			return fmt.Errorf("page %d has no \"value\" list: it is not a Graph collection answer", n)
		}
		pending = nil
		if p.NextLink != "" {
			if seen[p.NextLink] {
				return fmt.Errorf("page %d links back to a page already read: Graph's paging loops", n)
			}
			seen[p.NextLink] = true
			ri, err := c.link(p.NextLink)
			if err != nil {
				return fmt.Errorf("page %d: %w", n, err)
			}
			pending = ask(urgency.with(ctx, max(1, pagesExpected(ctx)-n)), ri)
		}
		if err := eachPage(*p.Value, pending != nil); err != nil {
			return err
		}
		if pending == nil {
			return nil
		}
	}
}

// expectedPages says how many pages the listing walked with ctx is
// expected to have in all, to rank its next pages (urgency).
var expectedPages = contextKey[func() int]{"expected pages"}

// pagesExpected is expectedPages' answer, 0 when not known.
func pagesExpected(ctx context.Context) int {
	if f := expectedPages.of(ctx); f != nil {
		return f()
	}
	return 0
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
