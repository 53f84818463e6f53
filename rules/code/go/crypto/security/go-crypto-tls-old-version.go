package server

import (
	"crypto/tls"
	"net/http"
	"time"
)

// LegacyServer keeps old point-of-sale terminals working.
func LegacyServer(h http.Handler) *http.Server {
	// ruleid: go-crypto-tls-old-version
	cfg := &tls.Config{MinVersion: tls.VersionTLS10}
	return &http.Server{Addr: ":8443", Handler: h, TLSConfig: cfg, ReadHeaderTimeout: 10 * time.Second}
}

// PartnerConfig talks to a partner stuck on TLS 1.1.
func PartnerConfig() *tls.Config {
	cfg := &tls.Config{}
	// ruleid: go-crypto-tls-old-version
	cfg.MinVersion = tls.VersionTLS11
	return cfg
}

// ModernConfig requires TLS 1.2 or later.
func ModernConfig() *tls.Config {
	// ok: go-crypto-tls-old-version
	return &tls.Config{MinVersion: tls.VersionTLS12}
}

// StrictConfig requires TLS 1.3.
func StrictConfig() *tls.Config {
	cfg := &tls.Config{}
	// ok: go-crypto-tls-old-version
	cfg.MinVersion = tls.VersionTLS13
	return cfg
}
