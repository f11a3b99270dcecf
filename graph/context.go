package graph

import "context"

// contextKey is one thing a fetch carries in its requests' contexts (the
// pacer, the progress tracker, the collection a request is for, a
// listing's expected pages and a request's urgency): a name per key, so two
// keys of one type stay apart.
type contextKey[T any] struct{ name string }

// with returns ctx carrying v.
func (k contextKey[T]) with(ctx context.Context, v T) context.Context {
	return context.WithValue(ctx, k, v)
}

// of returns what ctx carries, or T's zero value when it carries nothing.
func (k contextKey[T]) of(ctx context.Context) T {
	v, _ := ctx.Value(k).(T)
	return v
}
