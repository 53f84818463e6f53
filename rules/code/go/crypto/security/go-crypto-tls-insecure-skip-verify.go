package partner

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net/http"
	"os"
	"time"
)

// NewClient returns the HTTP client for the partner API.
func NewClient() *http.Client {
	// ruleid: go-crypto-tls-insecure-skip-verify
	tr := &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}
	return &http.Client{Transport: tr, Timeout: 10 * time.Second}
}

// StagingConfig is used against the staging cluster.
func StagingConfig() *tls.Config {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	// ruleid: go-crypto-tls-insecure-skip-verify
	cfg.InsecureSkipVerify = true
	return cfg
}

// NewClientSafely trusts the partner's private CA.
func NewClientSafely(caFile string) (*http.Client, error) {
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, errors.New("no certificates in " + caFile)
	}
	// ok: go-crypto-tls-insecure-skip-verify
	cfg := &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	return &http.Client{Transport: &http.Transport{TLSClientConfig: cfg}, Timeout: 10 * time.Second}, nil
}

// PinnedConfig skips the default chain check and verifies a pinned certificate instead.
func PinnedConfig(pinned []byte) *tls.Config {
	// ok: go-crypto-tls-insecure-skip-verify
	return &tls.Config{
		InsecureSkipVerify: true,
		VerifyPeerCertificate: func(rawCerts [][]byte, _ [][]*x509.Certificate) error {
			if len(rawCerts) == 0 || !bytes.Equal(rawCerts[0], pinned) {
				return errors.New("server certificate does not match the pin")
			}
			return nil
		},
	}
}
