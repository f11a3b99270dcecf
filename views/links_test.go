package views

import (
	"bytes"
	"context"
	"testing"
)

func TestCitedSourceLinksItsAddresses(t *testing.T) {
	var b bytes.Buffer
	src := `Microsoft Learn, "Deprecation" (https://learn.microsoft.com/exchange/deprecation). See https://example.com/a_b.`
	if err := Cited(src).Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	want := `<span class="muted small">(Microsoft Learn, &#34;Deprecation&#34; (<a href="https://learn.microsoft.com/exchange/deprecation" rel="noopener noreferrer" target="_blank" class="doclink">https://learn.microsoft.com/exchange/deprecation</a>). See <a href="https://example.com/a_b" rel="noopener noreferrer" target="_blank" class="doclink">https://example.com/a_b</a>.)</span>`
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}
