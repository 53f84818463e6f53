package session

import (
	"net/http"
	"time"
)

// Login sets the session cookie.
func Login(w http.ResponseWriter, sessionID string) {
	// ruleid: go-net-http-cookie-missing-flags
	http.SetCookie(w, &http.Cookie{Name: "sid", Value: sessionID, Path: "/"})
}

// Remember sets a long-lived login cookie.
func Remember(w http.ResponseWriter, token string) {
	// ruleid: go-net-http-cookie-missing-flags
	c := &http.Cookie{
		Name:    "remember",
		Value:   token,
		Secure:  true,
		Expires: time.Now().Add(30 * 24 * time.Hour),
	}
	http.SetCookie(w, c)
}

// LoginSafely sets every flag.
func LoginSafely(w http.ResponseWriter, sessionID string) {
	// ok: go-net-http-cookie-missing-flags
	http.SetCookie(w, &http.Cookie{
		Name:     "sid",
		Value:    sessionID,
		Path:     "/",
		HttpOnly: true,
		Secure:   true,
		SameSite: http.SameSiteLaxMode,
	})
}

// Logout expires the session cookie.
func Logout(w http.ResponseWriter) {
	// ok: go-net-http-cookie-missing-flags
	http.SetCookie(w, &http.Cookie{Name: "sid", Value: "", Path: "/", MaxAge: -1})
}
