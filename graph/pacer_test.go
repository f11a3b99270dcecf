package graph

import (
	"context"
	"sync"
	"testing"
	"time"
)

func TestPacerWidensHalvesAndRecovers(t *testing.T) {
	p := newPacer(8, 16)
	ctx := context.Background()
	limit := func() int { _, l, _, _ := p.stats(); return l }
	if limit() != 8 {
		t.Fatalf("starts at %d, want 8", limit())
	}
	// About one request more per window of answers: 1/8 + 1/8.1 + ...
	for range 9 {
		if err := p.acquire(ctx); err != nil {
			t.Fatal(err)
		}
		p.release(true)
	}
	if limit() != 9 {
		t.Errorf("after 9 answers the window is %d, want 9", limit())
	}
	for range 500 {
		_ = p.acquire(ctx)
		p.release(true)
	}
	if limit() != 16 {
		t.Errorf("the window grew to %d, want the cap of 16", limit())
	}
	// A 429 halves it, once per Retry-After however many come at once.
	p.throttledFor(50 * time.Millisecond)
	p.throttledFor(50 * time.Millisecond)
	if limit() != 8 {
		t.Errorf("after a burst of 429s the window is %d, want 8", limit())
	}
	// No request starts before the Retry-After has passed.
	began := time.Now()
	if err := p.acquire(ctx); err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(began); waited < 40*time.Millisecond {
		t.Errorf("a request started %v after a 429 asking for 50 ms", waited)
	}
	p.release(true)
	// Never below one.
	for range 10 {
		p.mu.Lock()
		p.cutUntil = time.Time{}
		p.mu.Unlock()
		p.throttledFor(0)
	}
	if limit() != 1 {
		t.Errorf("the window fell to %d, want 1", limit())
	}
}

func TestPacerServesTheLongestChainFirst(t *testing.T) {
	p := newPacer(1, 1)
	ctx := context.Background()
	if err := p.acquire(ctx); err != nil { // the one place, taken
		t.Fatal(err)
	}
	var mu sync.Mutex
	var order []int
	var wg sync.WaitGroup
	for i, rank := range []int{0, 3, 1, 3, 0} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := p.acquire(urgency.with(ctx, rank)); err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			order = append(order, i)
			mu.Unlock()
			p.release(true)
		}()
		// Let each arrive before the next.
		for {
			p.mu.Lock()
			n := len(p.queue)
			p.mu.Unlock()
			if n == i+1 {
				break
			}
			time.Sleep(time.Millisecond)
		}
	}
	p.release(true)
	wg.Wait()
	want := []int{1, 3, 2, 0, 4} // most pages left first, then first come
	for i := range want {
		if order[i] != want[i] {
			t.Fatalf("served %v, want %v", order, want)
		}
	}
}

func TestPacerGivesUpWhenTheContextEnds(t *testing.T) {
	p := newPacer(1, 1)
	if err := p.acquire(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := p.acquire(ctx); err == nil {
		t.Fatal("acquire succeeded with the only place taken")
	}
	p.release(true)
	if inFlight, _, _, _ := p.stats(); inFlight != 0 {
		t.Errorf("%d in flight after every request ended", inFlight)
	}
}
