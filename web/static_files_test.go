package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/mfaboard/mfaboard/web"
	"github.com/mfaboard/mfaboard/web/webtest"
)

func TestStaticServesFilesNotFolders(t *testing.T) {
	t.Parallel()
	srv, _ := authServer(t, web.Config{})
	c := webtest.NewClient(t)
	for _, path := range []string{"/static/", "/static/css/", "/static/css", "/static/js/", "/static/img/", "/static/dist/", "/static/./css/"} {
		resp, body := send(t, c, http.MethodGet, srv.URL+path, nil, browser)
		if resp.StatusCode != http.StatusNotFound || strings.Contains(body, "app.css") || strings.Contains(body, "board.js") {
			t.Errorf("GET %s: %d, want 404 without a listing\n%.300s", path, resp.StatusCode, body)
		}
	}
	for _, path := range []string{"/static/css/app.css", "/static/js/board.js", "/static/img/logo.svg"} {
		if resp, _ := send(t, c, http.MethodGet, srv.URL+path, nil, browser); resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %d, want 200", path, resp.StatusCode)
		}
	}
}
