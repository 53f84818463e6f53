package preview

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"time"
)

// LinkPreview fetches a page the user pasted, to show its title.
func LinkPreview(w http.ResponseWriter, r *http.Request) {
	target := r.URL.Query().Get("url")
	// ruleid: go-net-http-ssrf
	resp, err := http.Get(target)
	if err != nil {
		http.Error(w, "unreachable", http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	_, _ = io.Copy(w, io.LimitReader(resp.Body, 64<<10))
}

// TestWebhook fires a customer's webhook once.
func TestWebhook(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	// ruleid: go-net-http-ssrf
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.FormValue("hook"), nil)
	if err != nil {
		http.Error(w, "bad hook", http.StatusBadRequest)
		return
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		http.Error(w, "unreachable", http.StatusBadGateway)
		return
	}
	resp.Body.Close()
}

// Search forwards a query to the catalogue service; only the escaped query string varies.
func Search(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query().Get("q")
	// ok: go-net-http-ssrf
	resp, err := http.Get("https://catalog.internal.example/search?q=" + url.QueryEscape(q))
	if err != nil {
		http.Error(w, "unreachable", http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	_, _ = io.Copy(w, resp.Body)
}

// Status checks a fixed health endpoint.
func Status(w http.ResponseWriter, r *http.Request) {
	// ok: go-net-http-ssrf
	resp, err := http.Head("https://status.example.com/health")
	if err != nil {
		http.Error(w, "down", http.StatusServiceUnavailable)
		return
	}
	resp.Body.Close()
	w.WriteHeader(resp.StatusCode)
}
