// Package delivertest is a minimal SMTP server on 127.0.0.1 for tests of
// delivery: it speaks enough of RFC 5321 for net/smtp, offers STARTTLS on a
// certificate of its own and AUTH PLAIN or LOGIN when asked, and records
// every message with how it came.
package delivertest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"math/big"
	"net"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"
)

// SMTPServer is a running test server.
type SMTPServer struct {
	Addr     string
	Port     int
	RootCAs  *x509.CertPool // trusts the server's certificate
	startTLS bool
	auth     string // mechanisms offered, e.g. "PLAIN LOGIN"; "" offers none
	cert     tls.Certificate

	mu       sync.Mutex
	received []Message
	authSeen bool
}

// Message is one message with how it came.
type Message struct {
	From       string
	To         []string
	Data       []byte
	User, Pass string
	AuthMech   string
	TLSAtAuth  bool
	TLSAtData  bool
}

// NewSMTPServer starts a server, stopped when the test ends. startTLS
// offers STARTTLS (clients trust it through RootCAs); auth lists the AUTH
// mechanisms offered, such as "PLAIN LOGIN" ("" offers none).
func NewSMTPServer(t testing.TB, startTLS bool, auth string) *SMTPServer {
	t.Helper()
	cert, pool := selfSigned(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	s := &SMTPServer{Addr: ln.Addr().String(), Port: ln.Addr().(*net.TCPAddr).Port, RootCAs: pool, startTLS: startTLS, auth: auth, cert: cert}
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(conn)
		}
	}()
	return s
}

// Messages returns the messages received so far.
func (s *SMTPServer) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.received...)
}

// SawAuth reports whether any client tried to sign in.
func (s *SMTPServer) SawAuth() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.authSeen
}

func (s *SMTPServer) serve(conn net.Conn) {
	defer func() { conn.Close() }()
	_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
	tp := textproto.NewConn(conn)
	secure := false
	var m Message
	reply := func(lines ...string) { _ = tp.PrintfLine("%s", strings.Join(lines, "\r\n")) }
	_ = tp.PrintfLine("220 test.local ESMTP")
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO", "HELO":
			lines := []string{"250-test.local"}
			if s.startTLS && !secure {
				lines = append(lines, "250-STARTTLS")
			}
			if s.auth != "" {
				lines = append(lines, "250-AUTH "+s.auth)
			}
			reply(append(lines, "250 8BITMIME")...)
		case "STARTTLS":
			reply("220 2.0.0 ready to start TLS")
			tc := tls.Server(conn, &tls.Config{Certificates: []tls.Certificate{s.cert}})
			if err := tc.Handshake(); err != nil {
				return
			}
			conn, tp, secure = tc, textproto.NewConn(tc), true
		case "AUTH":
			s.mu.Lock()
			s.authSeen = true
			s.mu.Unlock()
			mech, initial, _ := strings.Cut(arg, " ")
			m.AuthMech, m.TLSAtAuth = strings.ToUpper(mech), secure
			switch m.AuthMech {
			case "PLAIN":
				b, _ := base64.StdEncoding.DecodeString(initial)
				parts := strings.Split(string(b), "\x00")
				if len(parts) == 3 {
					m.User, m.Pass = parts[1], parts[2]
				}
			case "LOGIN":
				m.User, m.Pass = s.prompt(tp, "Username:"), s.prompt(tp, "Password:")
			}
			reply("235 2.7.0 authenticated")
		case "MAIL":
			m.From = pathOf(arg, "FROM:")
			reply("250 2.1.0 ok")
		case "RCPT":
			to := pathOf(arg, "TO:")
			if strings.HasPrefix(to, "nobody@") {
				reply("550 5.1.1 no such user")
				continue
			}
			m.To = append(m.To, to)
			reply("250 2.1.5 ok")
		case "DATA":
			reply("354 end with <CRLF>.<CRLF>")
			data, err := tp.ReadDotBytes()
			if err != nil {
				return
			}
			m.Data, m.TLSAtData = data, secure
			s.mu.Lock()
			s.received = append(s.received, m)
			s.mu.Unlock()
			m = Message{User: m.User, Pass: m.Pass, AuthMech: m.AuthMech, TLSAtAuth: m.TLSAtAuth}
			reply("250 2.0.0 queued")
		case "RSET":
			m = Message{}
			reply("250 ok")
		case "QUIT":
			reply("221 bye")
			return
		default:
			reply("502 5.5.2 not implemented")
		}
	}
}

// prompt asks one LOGIN question and returns the decoded answer.
func (s *SMTPServer) prompt(tp *textproto.Conn, question string) string {
	_ = tp.PrintfLine("334 %s", base64.StdEncoding.EncodeToString([]byte(question)))
	line, err := tp.ReadLine()
	if err != nil {
		return ""
	}
	b, _ := base64.StdEncoding.DecodeString(line)
	return string(b)
}

// selfSigned makes a certificate for 127.0.0.1 and a pool that trusts it.
func selfSigned(t testing.TB) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test.local"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA: true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pool
}

// pathOf reads the address of "FROM:<a@b> BODY=8BITMIME".
func pathOf(arg, prefix string) string {
	f := strings.Fields(arg)
	if len(f) == 0 || len(f[0]) < len(prefix) || !strings.EqualFold(f[0][:len(prefix)], prefix) {
		return ""
	}
	return strings.Trim(f[0][len(prefix):], "<>")
}
