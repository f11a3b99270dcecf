package deliver

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/smtp"
	"net/textproto"
	"strconv"
	"strings"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
)

// PasswordEnv is the environment variable the SMTP password is read from.
const PasswordEnv = "MFABOARD_SMTP_PASSWORD"

// smtpTimeout bounds a whole SMTP conversation: a server that stops
// answering must not hold the job.
const smtpTimeout = 60 * time.Second

// Attachment is a file sent with the e-mail.
type Attachment struct {
	Name, ContentType string
	Data              []byte
}

// SendMail sends one e-mail through m's server: implicit TLS on port 465,
// STARTTLS whenever the server offers it, and credentials only over TLS.
// password is used when m.Username is set. tlsConfig may be nil (system
// roots, the host's name); tests pass their own roots. Errors are sentences
// naming the step that failed; they never contain the password.
func SendMail(ctx context.Context, m inventory.DeliveryMail, password string, tlsConfig *tls.Config, subject, body string, files ...Attachment) error {
	if err := m.Validate(); err != nil {
		return err
	}
	if m.Username != "" && password == "" {
		return inventory.Errorf(inventory.EINVALID, "The SMTP server needs a password for %s, and %s is not set on the server.", m.Username, PasswordEnv)
	}
	msg, err := buildMessage(m, subject, body, files)
	if err != nil {
		return fmt.Errorf("build the e-mail: %w", err)
	}
	cfg := &tls.Config{ServerName: m.Host, MinVersion: tls.VersionTLS12}
	if tlsConfig != nil {
		cfg = tlsConfig.Clone()
		if cfg.ServerName == "" {
			cfg.ServerName = m.Host
		}
	}
	addr := net.JoinHostPort(m.Host, strconv.Itoa(m.Port))
	d := net.Dialer{Timeout: 15 * time.Second}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("connect to the SMTP server %s: %w", addr, err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(smtpTimeout))
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Now()) })
	defer stop()

	secure := m.Port == 465
	if secure {
		conn = tls.Client(conn, cfg)
	}
	c, err := smtp.NewClient(conn, m.Host)
	if err != nil {
		return fmt.Errorf("greet the SMTP server %s: %w", addr, err)
	}
	defer c.Close()
	if err := c.Hello("mfaboard"); err != nil {
		return fmt.Errorf("SMTP EHLO: %w", err)
	}
	if ok, _ := c.Extension("STARTTLS"); ok && !secure {
		if err := c.StartTLS(cfg); err != nil {
			return fmt.Errorf("SMTP STARTTLS with %s: %w", m.Host, err)
		}
		secure = true
	}
	if m.Username != "" {
		if !secure {
			return inventory.Errorf(inventory.EINVALID, "The SMTP server %s offers no STARTTLS, so the password would travel in clear text: mfaboard does not send it. Use port 587 with STARTTLS or 465 with TLS.", m.Host)
		}
		if err := c.Auth(pickAuth(c, m, password)); err != nil {
			return fmt.Errorf("SMTP sign-in as %s: %w", m.Username, err)
		}
	}
	if err := c.Mail(m.From); err != nil {
		return fmt.Errorf("SMTP sender %s refused: %w", m.From, err)
	}
	for _, to := range m.To {
		if err := c.Rcpt(to); err != nil {
			return fmt.Errorf("SMTP recipient %s refused: %w", to, err)
		}
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("SMTP DATA: %w", err)
	}
	if _, err := w.Write(msg); err != nil {
		return fmt.Errorf("SMTP send the message: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("SMTP message refused: %w", err)
	}
	if err := c.Quit(); err != nil && !errors.Is(err, net.ErrClosed) {
		return fmt.Errorf("SMTP QUIT: %w", err)
	}
	return nil
}

// pickAuth uses PLAIN when offered, else LOGIN (what Exchange Online's
// smtp.office365.com offers besides XOAUTH2).
func pickAuth(c *smtp.Client, m inventory.DeliveryMail, password string) smtp.Auth {
	_, mechs := c.Extension("AUTH")
	for _, mech := range strings.Fields(strings.ToUpper(mechs)) {
		if mech == "PLAIN" {
			return smtp.PlainAuth("", m.Username, password, m.Host)
		}
	}
	return loginAuth{user: m.Username, password: password}
}

// loginAuth is the LOGIN mechanism: the user name and password, each as
// the answer to the server's prompt. It runs only over TLS (SendMail checks).
type loginAuth struct{ user, password string }

func (a loginAuth) Start(*smtp.ServerInfo) (string, []byte, error) { return "LOGIN", nil, nil }

func (a loginAuth) Next(fromServer []byte, more bool) ([]byte, error) {
	if !more {
		return nil, nil
	}
	switch strings.ToLower(strings.TrimSpace(string(fromServer))) {
	case "username:", "user name", "username":
		return []byte(a.user), nil
	case "password:", "password":
		return []byte(a.password), nil
	}
	return nil, errors.New("unexpected LOGIN prompt from the server")
}

// buildMessage writes a MIME message: the summary as text, then each file.
func buildMessage(m inventory.DeliveryMail, subject, body string, files []Attachment) ([]byte, error) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	host := m.From[strings.LastIndexByte(m.From, '@')+1:]
	head := []string{
		"From: " + m.From,
		"To: " + strings.Join(m.To, ", "),
		"Subject: " + mime.QEncoding.Encode("utf-8", oneLine(subject)),
		"Date: " + time.Now().UTC().Format(time.RFC1123Z),
		"Message-ID: <" + rand.Text() + "@" + host + ">",
		"MIME-Version: 1.0",
		"Content-Type: multipart/mixed; boundary=" + mw.Boundary(),
		"X-Mailer: mfaboard",
	}
	b.WriteString(strings.Join(head, "\r\n") + "\r\n\r\n")

	part, err := mw.CreatePart(textproto.MIMEHeader{
		"Content-Type":              {"text/plain; charset=utf-8"},
		"Content-Transfer-Encoding": {"quoted-printable"},
	})
	if err != nil {
		return nil, err
	}
	qp := quotedprintable.NewWriter(part)
	if _, err := qp.Write([]byte(strings.ReplaceAll(body, "\n", "\r\n"))); err != nil {
		return nil, err
	}
	if err := qp.Close(); err != nil {
		return nil, err
	}
	for _, f := range files {
		part, err := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {mime.FormatMediaType(f.ContentType, map[string]string{"name": f.Name})},
			"Content-Disposition":       {mime.FormatMediaType("attachment", map[string]string{"filename": f.Name})},
			"Content-Transfer-Encoding": {"base64"},
		})
		if err != nil {
			return nil, err
		}
		if err := writeBase64Lines(part, f.Data); err != nil {
			return nil, err
		}
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// writeBase64Lines writes data as base64 in lines of 76 characters, as
// RFC 2045 asks.
func writeBase64Lines(w interface{ Write([]byte) (int, error) }, data []byte) error {
	enc := base64.StdEncoding.EncodeToString(data)
	for len(enc) > 0 {
		n := min(76, len(enc))
		if _, err := w.Write([]byte(enc[:n] + "\r\n")); err != nil {
			return err
		}
		enc = enc[n:]
	}
	return nil
}

// oneLine keeps a header value on one line whatever a tenant's name holds.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
