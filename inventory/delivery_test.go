package inventory

import (
	"strings"
	"testing"
)

func TestSettingsValidate(t *testing.T) {
	mail := DeliveryMail{Host: "smtp.office365.com", Port: 587, From: "reports@partner.example", To: []string{"ceo@partner.example"}}
	noMail := DeliveryMail{Port: 587} // no server: what the store reads back when nobody set e-mail up
	for _, tc := range []struct {
		name string
		s    DeliverySettings
		bad  string
	}{
		{"mail only", DeliverySettings{Enabled: true, Schedule: WeeklyDelivery, Mail: mail}, ""},
		{"webhook only", DeliverySettings{Enabled: true, Schedule: WeeklyDelivery, Mail: noMail, Webhook: "https://hooks.slack.com/services/T/B/X"}, ""},
		{"nowhere", DeliverySettings{Enabled: true, Schedule: WeeklyDelivery, Mail: noMail}, "needs somewhere to deliver"},
		{"off and empty", DeliverySettings{Schedule: WeeklyDelivery, Mail: noMail}, ""},
		// The table stores a port even without a server: a missing one is
		// refused here with a sentence, not by the database.
		{"no server and no port", DeliverySettings{Schedule: WeeklyDelivery}, "from 1 to 65535"},
		{"no server and a port too high", DeliverySettings{Schedule: WeeklyDelivery, Mail: DeliveryMail{Port: 65536}}, "from 1 to 65535"},
		{"recipients without a server", DeliverySettings{Schedule: WeeklyDelivery, Mail: DeliveryMail{Port: 587, To: mail.To}}, "no SMTP server"},
		{"host with scheme", DeliverySettings{Schedule: WeeklyDelivery, Mail: DeliveryMail{Host: "smtp://x", Port: 587, From: mail.From, To: mail.To}}, "without a scheme"},
		{"port", DeliverySettings{Schedule: WeeklyDelivery, Mail: DeliveryMail{Host: "x", Port: 0, From: mail.From, To: mail.To}}, "from 1 to 65535"},
		{"sender with a header", DeliverySettings{Schedule: WeeklyDelivery, Mail: DeliveryMail{Host: "x", Port: 25, From: "a@b.c\r\nBcc: x@y.z", To: mail.To}}, "is not an e-mail address"},
		{"display name", DeliverySettings{Schedule: WeeklyDelivery, Mail: DeliveryMail{Host: "x", Port: 25, From: "Reports <a@b.c>", To: mail.To}}, "is not an e-mail address"},
		{"no recipient", DeliverySettings{Schedule: WeeklyDelivery, Mail: DeliveryMail{Host: "x", Port: 25, From: mail.From}}, "at least one recipient"},
		{"bad recipient", DeliverySettings{Schedule: WeeklyDelivery, Mail: DeliveryMail{Host: "x", Port: 25, From: mail.From, To: []string{"ceo"}}}, `"ceo" is not an e-mail address`},
		{"http webhook", DeliverySettings{Schedule: WeeklyDelivery, Mail: noMail, Webhook: "http://hooks.slack.com/services/T/B/SECRET"}, "must start with https://"},
		{"local http webhook", DeliverySettings{Schedule: WeeklyDelivery, Mail: noMail, Webhook: "http://127.0.0.1:8080/hook"}, ""},
		{"not a URL", DeliverySettings{Schedule: WeeklyDelivery, Mail: noMail, Webhook: "hooks.slack.com/services/T/B/SECRET"}, "not a valid URL"},
	} {
		err := tc.s.Validate()
		if (err == nil) != (tc.bad == "") || (err != nil && !strings.Contains(err.Error(), tc.bad)) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.bad)
			continue
		}
		if err != nil && strings.Contains(err.Error(), "SECRET") {
			t.Errorf("%s: the refusal quotes the webhook URL: %v", tc.name, err)
		}
	}
}

func TestWebhookKind(t *testing.T) {
	for url, want := range map[string]WebhookKind{
		"https://hooks.slack.com/services/T0/B0/XYZ":                                           WebhookText,
		"https://contoso.webhook.office.com/webhookb2/abc@def/IncomingWebhook/123/456":         WebhookTeamsConnector,
		"https://outlook.office.com/webhook/abc":                                               WebhookTeamsConnector,
		"https://prod-12.westeurope.logic.azure.com:443/workflows/abc/triggers/manual/paths/x": WebhookTeamsWorkflow,
		"https://default1234.56.environment.api.powerplatform.com/powerautomate/automations":   WebhookTeamsWorkflow,
		"https://chat.example.org/hooks/xyz":                                                   WebhookText,
		"http://127.0.0.1:9999/hook":                                                           WebhookText,
		"https://evil.example/?x=.webhook.office.com":                                          WebhookText,
	} {
		if got := WebhookKindOf(url); got != want {
			t.Errorf("%s: kind %d, want %d", url, got, want)
		}
	}
}
