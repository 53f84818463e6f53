package vault

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/des"
	"crypto/rand"
	"crypto/rc4"
	"errors"
	"io"
)

// LegacySeal encrypts card tokens the way the old mainframe expects; plaintext is already padded.
func LegacySeal(key, plaintext []byte) ([]byte, error) {
	// ruleid: go-crypto-weak-cipher
	block, err := des.NewTripleDESCipher(key)
	if err != nil {
		return nil, err
	}
	if len(plaintext)%block.BlockSize() != 0 {
		return nil, errors.New("plaintext is not padded")
	}
	iv := make([]byte, block.BlockSize())
	if _, err := io.ReadFull(rand.Reader, iv); err != nil {
		return nil, err
	}
	out := make([]byte, len(plaintext))
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(out, plaintext)
	return append(iv, out...), nil
}

// Obfuscate scrambles export files.
func Obfuscate(key, data []byte) ([]byte, error) {
	// ruleid: go-crypto-weak-cipher
	c, err := rc4.NewCipher(key)
	if err != nil {
		return nil, err
	}
	out := make([]byte, len(data))
	c.XORKeyStream(out, data)
	return out, nil
}

// ScrambleLegacy scrambles with the key the old exports were written with.
func ScrambleLegacy(data []byte) ([]byte, error) {
	// ruleid: go-crypto-weak-cipher
	c, err := rc4.NewCipher([]byte("Fr4Tg7Yh2Uj9Ik5O"))
	if err != nil {
		return nil, err
	}
	out := make([]byte, len(data))
	c.XORKeyStream(out, data)
	return out, nil
}

// Seal encrypts and authenticates with AES-GCM.
func Seal(key, plaintext []byte) ([]byte, error) {
	// ok: go-crypto-weak-cipher
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	// ok: go-crypto-weak-cipher
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, gcm.NonceSize())
	if _, err := io.ReadFull(rand.Reader, nonce); err != nil {
		return nil, err
	}
	return gcm.Seal(nonce, nonce, plaintext, nil), nil
}
