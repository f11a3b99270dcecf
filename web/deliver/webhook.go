package deliver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/views/readiness"
)

// webhookTimeout bounds one post.
const webhookTimeout = 20 * time.Second

// webhookBody is the JSON of the summary for a kind of webhook.
func webhookBody(k inventory.WebhookKind, s readiness.Summary) ([]byte, error) {
	color := "B91C1C" // not ready: the red of the dashboard
	if s.Ready {
		color = "047857"
	}
	switch k {
	case inventory.WebhookTeamsConnector:
		return json.Marshal(map[string]any{
			"@type": "MessageCard", "@context": "https://schema.org/extensions",
			"summary": s.Title, "themeColor": color, "title": s.Title,
			"sections": []map[string]any{{"activityTitle": s.Headline, "text": strings.Join(s.Lines, "\n\n")}},
		})
	case inventory.WebhookTeamsWorkflow:
		body := []map[string]any{
			{"type": "TextBlock", "text": s.Title, "weight": "Bolder", "size": "Medium", "wrap": true},
			{"type": "TextBlock", "text": s.Headline, "color": map[bool]string{true: "Good", false: "Attention"}[s.Ready], "wrap": true},
		}
		for _, l := range s.Lines {
			body = append(body, map[string]any{"type": "TextBlock", "text": l, "wrap": true, "spacing": "Small"})
		}
		return json.Marshal(map[string]any{
			"type": "message",
			"attachments": []map[string]any{{
				"contentType": "application/vnd.microsoft.card.adaptive",
				"content": map[string]any{
					"$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
					"type":    "AdaptiveCard", "version": "1.4", "body": body,
				},
			}},
		})
	}
	return json.Marshal(map[string]string{"text": "*" + s.Title + "*\n" + s.Headline + "\n" + strings.Join(s.Lines, "\n")})
}

// PostWebhook posts the summary to an incoming webhook, in the JSON its
// service takes. client may be nil. Errors name the host only: the URL's
// path is the webhook's secret.
func PostWebhook(ctx context.Context, client *http.Client, rawURL string, s readiness.Summary) error {
	u, err := inventory.WebhookURL(rawURL)
	if err != nil {
		return err
	}
	body, err := webhookBody(inventory.WebhookKindOf(rawURL), s)
	if err != nil {
		return fmt.Errorf("encode the webhook message: %w", err)
	}
	if client == nil {
		client = &http.Client{Timeout: webhookTimeout}
	}
	ctx, cancel := context.WithTimeout(ctx, webhookTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("post to %s: the URL cannot be used", u.Hostname())
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // url.Error quotes the whole URL
		}
		return fmt.Errorf("post to %s: %w", u.Hostname(), err)
	}
	defer resp.Body.Close()
	// Slack answers "ok", Teams "1" or 202 with nothing; an error's body is
	// a short reason worth showing, bounded in case it is a page.
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		reason := oneLine(string(answer))
		if quotesSecret(reason, u) {
			reason = "" // never echo the secret back, even if the server does
		}
		if reason != "" {
			reason = ": " + inventory.Clip(reason)
		}
		return fmt.Errorf("post to %s: status %d%s", u.Hostname(), resp.StatusCode, reason)
	}
	return nil
}

// quotesSecret reports whether text holds the secret part of a webhook URL:
// its path (Slack, Teams connectors) or its query (Teams workflows' sig=).
func quotesSecret(text string, u *url.URL) bool {
	return (len(u.Path) > 1 && strings.Contains(text, u.Path)) || (u.RawQuery != "" && strings.Contains(text, u.RawQuery))
}
