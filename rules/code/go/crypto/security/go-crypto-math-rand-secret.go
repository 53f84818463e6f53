package account

import (
	crand "crypto/rand"
	"encoding/base64"
	"math/rand"
	"time"
)

const alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// NewResetToken makes the token e-mailed to a user who forgot a password.
func NewResetToken() string {
	b := make([]byte, 24)
	for i := range b {
		// ruleid: go-crypto-math-rand-secret
		b[i] = alphabet[rand.Intn(len(alphabet))]
	}
	return string(b)
}

// NewSessionID seeds its own generator on each call.
func NewSessionID() uint64 {
	gen := rand.New(rand.NewSource(time.Now().UnixNano()))
	// ruleid: go-crypto-math-rand-secret
	return gen.Uint64()
}

// NewResetTokenSafely reads from the operating system's CSPRNG.
func NewResetTokenSafely() (string, error) {
	b := make([]byte, 24)
	// ok: go-crypto-math-rand-secret
	if _, err := crand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// Backoff spreads retries; nobody gains from predicting it.
func Backoff(attempt int) time.Duration {
	// ok: go-crypto-math-rand-secret
	return time.Duration(attempt)*time.Second + time.Duration(rand.Intn(1000))*time.Millisecond
}
