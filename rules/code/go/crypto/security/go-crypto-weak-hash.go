package auth

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"io"
)

// PasswordDigest hashes a password for storage.
func PasswordDigest(password, salt string) string {
	// ruleid: go-crypto-weak-hash
	sum := md5.Sum([]byte(salt + password))
	return hex.EncodeToString(sum[:])
}

// DocumentSignature fingerprints an uploaded contract.
func DocumentSignature(doc io.Reader) ([]byte, error) {
	// ruleid: go-crypto-weak-hash
	h := sha1.New()
	if _, err := io.Copy(h, doc); err != nil {
		return nil, err
	}
	return h.Sum(nil), nil
}

// Fingerprint uses SHA-256.
func Fingerprint(data []byte) string {
	// ok: go-crypto-weak-hash
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// TOTPMac computes the HMAC-SHA1 that RFC 6238 prescribes; HMAC does not rely on collision resistance.
func TOTPMac(key, counter []byte) []byte {
	mac := hmac.New(sha1.New, key)
	mac.Write(counter)
	// ok: go-crypto-weak-hash
	return mac.Sum(nil)
}
