package deliver

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"strings"
	"testing"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/views/readiness"
	"github.com/mfaboard/mfaboard/views/report/reporttest"
	"github.com/mfaboard/mfaboard/web/deliver/delivertest"
)

const testPassword = "correct-horse-battery-staple-42"

func testMail(s *delivertest.SMTPServer, user string) inventory.DeliveryMail {
	return inventory.DeliveryMail{Host: "127.0.0.1", Port: s.Port, From: "mfaboard@partner.example",
		To: []string{"ceo@partner.example", "cfo@partner.example"}, Username: user}
}

func TestDeliverEmailsThePDFOverSTARTTLS(t *testing.T) {
	t.Parallel()
	srv := delivertest.NewSMTPServer(t, true, "PLAIN LOGIN")
	r := readinessFixture()
	sender := Sender{SMTPPassword: testPassword, TLS: &tls.Config{RootCAs: srv.RootCAs}}
	o := sender.Deliver(context.Background(), inventory.DeliverySettings{Mail: testMail(srv, "reports@partner.example")}, r)
	if !o.OK() || o.String() != "e-mailed the PDF to 2 recipient(s)" {
		t.Fatalf("outcome: %s", o)
	}
	got := srv.Messages()
	if len(got) != 1 {
		t.Fatalf("the server received %d messages, want 1", len(got))
	}
	m := got[0]
	if m.AuthMech != "PLAIN" || m.User != "reports@partner.example" || m.Pass != testPassword || !m.TLSAtAuth || !m.TLSAtData {
		t.Errorf("sign-in: mech %s user %q password ok %v, TLS at auth %v, at data %v", m.AuthMech, m.User, m.Pass == testPassword, m.TLSAtAuth, m.TLSAtData)
	}
	if m.From != "mfaboard@partner.example" || strings.Join(m.To, ",") != "ceo@partner.example,cfo@partner.example" {
		t.Errorf("envelope: from %q to %v", m.From, m.To)
	}
	if bytes.Contains(m.Data, []byte(testPassword)) {
		t.Error("the message contains the SMTP password")
	}

	msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		t.Fatalf("the message does not parse: %v", err)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	headline := r.Headline()
	if headline != "Not ready: 23 accounts are non-compliant and 54 at risk (3 of them privileged)" {
		t.Fatalf("the fixture's headline changed: %q", headline)
	}
	if subject != "MFA readiness of Contoso Łódź Partners: "+headline {
		t.Errorf("subject %q, want the tenant and the verdict %q", subject, headline)
	}
	mediaType, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mediaType != "multipart/mixed" {
		t.Fatalf("content type %q: %v", mediaType, err)
	}
	parts := multipart.NewReader(msg.Body, params["boundary"])
	var text string
	var pdfBytes []byte
	var pdfName string
	for {
		p, err := parts.NextPart() // decodes quoted-printable itself
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(p)
		if err != nil {
			t.Fatal(err)
		}
		switch ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type")); ct {
		case "text/plain":
			text = string(b)
		case "application/pdf":
			if p.Header.Get("Content-Transfer-Encoding") != "base64" {
				t.Errorf("the PDF is sent as %q", p.Header.Get("Content-Transfer-Encoding"))
			}
			pdfName = p.FileName()
			if pdfBytes, err = base64.StdEncoding.DecodeString(string(b)); err != nil {
				t.Fatalf("the attachment is not base64: %v", err)
			}
		}
	}
	if !strings.Contains(text, headline) || !strings.Contains(text, "Compliant 812 (91.0%)") || !strings.Contains(text, "Privileged accounts: 3 of 43") {
		t.Errorf("the text part lacks the verdict or the figures:\n%s", text)
	}
	// The body is the readiness report's summary, the words the page uses.
	for _, line := range readiness.New(*r).Summary().Lines {
		if !strings.Contains(text, line) {
			t.Errorf("the text part lacks the summary's line %q:\n%s", line, text)
		}
	}
	if pdfName != "mfaboard-readiness-2026-11-02.pdf" {
		t.Errorf("attachment name %q", pdfName)
	}
	attached, _ := reporttest.PDFText(t, pdfBytes)
	if !strings.Contains(attached, reporttest.Squeeze(headline)) {
		t.Errorf("the attached PDF does not carry the verdict %q", headline)
	}
}

func TestSendMailLoginMechanism(t *testing.T) {
	t.Parallel()
	srv := delivertest.NewSMTPServer(t, true, "LOGIN XOAUTH2") // what smtp.office365.com offers
	err := SendMail(context.Background(), testMail(srv, "reports@partner.example"), testPassword,
		&tls.Config{RootCAs: srv.RootCAs}, "subject", "body")
	if err != nil {
		t.Fatal(err)
	}
	m := srv.Messages()
	if len(m) != 1 || m[0].AuthMech != "LOGIN" || m[0].User != "reports@partner.example" || m[0].Pass != testPassword || !m[0].TLSAtAuth {
		t.Fatalf("LOGIN sign-in: %+v", m)
	}
}

func TestSendMailRefusals(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	// A relay without TLS takes mail without credentials...
	plain := delivertest.NewSMTPServer(t, false, "PLAIN")
	if err := SendMail(ctx, testMail(plain, ""), "", nil, "subject", "body"); err != nil {
		t.Fatalf("an internal relay without credentials: %v", err)
	}
	if len(plain.Messages()) != 1 || plain.SawAuth() {
		t.Fatal("the relay did not get exactly one message without sign-in")
	}
	// ...but never a password in clear text.
	err := SendMail(ctx, testMail(plain, "reports@partner.example"), testPassword, nil, "subject", "body")
	if err == nil || !strings.Contains(err.Error(), "offers no STARTTLS, so the password would travel in clear text") {
		t.Fatalf("credentials without TLS: %v", err)
	}
	if plain.SawAuth() || len(plain.Messages()) != 1 {
		t.Fatal("the password was sent, or a message went out, without TLS")
	}

	// A user name with no password in the environment is said so, early.
	tlsSrv := delivertest.NewSMTPServer(t, true, "PLAIN")
	err = SendMail(ctx, testMail(tlsSrv, "reports@partner.example"), "", &tls.Config{RootCAs: tlsSrv.RootCAs}, "s", "b")
	if err == nil || !strings.Contains(err.Error(), PasswordEnv+" is not set") {
		t.Fatalf("no password: %v", err)
	}

	// A certificate nobody trusts stops the delivery before any secret goes.
	err = SendMail(ctx, testMail(tlsSrv, "reports@partner.example"), testPassword, nil, "s", "b")
	if err == nil || !strings.Contains(err.Error(), "STARTTLS") || tlsSrv.SawAuth() {
		t.Fatalf("untrusted certificate: %v (auth seen %v)", err, tlsSrv.SawAuth())
	}

	// A refused recipient is named.
	m := testMail(tlsSrv, "reports@partner.example")
	m.To = append(m.To, "nobody@partner.example")
	o := Sender{SMTPPassword: testPassword, TLS: &tls.Config{RootCAs: tlsSrv.RootCAs}}.Deliver(ctx, inventory.DeliverySettings{Mail: m}, readinessFixture())
	if o.OK() || !strings.Contains(o.String(), "Not delivered: e-mail: SMTP recipient nobody@partner.example refused") {
		t.Fatalf("refused recipient: %s", o)
	}
	if strings.Contains(o.String(), testPassword) {
		t.Fatal("the outcome quotes the password")
	}
}

func TestMessageHeadersStayOnTheirLines(t *testing.T) {
	t.Parallel()
	m := inventory.DeliveryMail{Host: "x", Port: 25, From: "a@partner.example", To: []string{"b@partner.example"}}
	msg, err := buildMessage(m, "Tenant\r\nBcc: attacker@evil.example", "body", nil)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := mail.ReadMessage(bytes.NewReader(msg))
	if err != nil {
		t.Fatal(err)
	}
	if parsed.Header.Get("Bcc") != "" || !strings.Contains(parsed.Header.Get("Subject"), "Tenant Bcc:") {
		t.Fatalf("a line break in the subject made a header: %v", parsed.Header)
	}
}
