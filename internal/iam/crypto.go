package iam

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"
)

// Secrets at rest: secret access keys must stay usable for SigV4, so they
// are sealed with AES-256-GCM under a key kept in the data dir (mode 0600);
// session tokens are random and kept as SHA-256; console passwords as
// PBKDF2-SHA256 hashes.

const (
	upperDigits    = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	secretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	// pbkdf2Iterations follows OWASP's 2023 guidance for PBKDF2-HMAC-SHA256.
	pbkdf2Iterations = 600_000
)

func loadOrCreateKey(path string) (cipher.AEAD, error) {
	key, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		key = make([]byte, 32)
		rand.Read(key)
		if err := writeKeyFile(path, key); err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, fmt.Errorf("iam: read key file: %w", err)
	}
	if len(key) != 32 {
		return nil, fmt.Errorf("iam: key file %s is damaged (want 32 bytes)", path)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("iam: key: %w", err)
	}
	return cipher.NewGCM(block)
}

// writeKeyFile creates the key file atomically so a crash never leaves a
// partial key that would make stored secrets unreadable.
func writeKeyFile(path string, key []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, key, 0o600); err != nil {
		return fmt.Errorf("iam: write key file: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("iam: write key file: %w", err)
	}
	return nil
}

// seal encrypts a secret; the access key id is bound as associated data so
// a sealed secret cannot be moved to another key's row.
func (s *Service) seal(id, secret string) string {
	nonce := make([]byte, s.aead.NonceSize())
	rand.Read(nonce)
	out := s.aead.Seal(nonce, nonce, []byte(secret), []byte(id))
	return base64.StdEncoding.EncodeToString(out)
}

func (s *Service) unseal(id, sealed string) (string, error) {
	b, err := base64.StdEncoding.DecodeString(sealed)
	if err != nil || len(b) < s.aead.NonceSize() {
		return "", fmt.Errorf("iam: sealed secret of %s is damaged", id)
	}
	n := s.aead.NonceSize()
	plain, err := s.aead.Open(nil, b[:n], b[n:], []byte(id))
	if err != nil {
		return "", fmt.Errorf("iam: cannot decrypt secret of %s (wrong key file?)", id)
	}
	return string(plain), nil
}

func randomString(n int, alphabet string) string {
	b := make([]byte, n)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// newID returns an IAM unique id: a 4-letter prefix (AIDA users, AROA roles,
// ANPA policies, AGPA groups) and 17 characters, 21 in all as AWS's.
func newID(prefix string) string { return prefix + randomString(17, upperDigits) }

func newAccessKeyID(prefix string) string { return prefix + randomString(16, upperDigits) }

func newSecretAccessKey() string { return randomString(40, secretAlphabet) }

func newSessionToken() string {
	b := make([]byte, 96)
	rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}

func tokenHash(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

// hashPassword returns "pbkdf2-sha256$<iterations>$<salt>$<hash>".
func hashPassword(password string) (string, error) {
	salt := make([]byte, 16)
	rand.Read(salt)
	dk, err := pbkdf2.Key(sha256.New, password, salt, pbkdf2Iterations, 32)
	if err != nil {
		return "", fmt.Errorf("iam: hash password: %w", err)
	}
	return fmt.Sprintf("pbkdf2-sha256$%d$%s$%s", pbkdf2Iterations, hex.EncodeToString(salt), hex.EncodeToString(dk)), nil
}

func checkPassword(stored, password string) bool {
	parts := strings.Split(stored, "$")
	if len(parts) != 4 || parts[0] != "pbkdf2-sha256" {
		return false
	}
	iter, err1 := strconv.Atoi(parts[1])
	salt, err2 := hex.DecodeString(parts[2])
	want, err3 := hex.DecodeString(parts[3])
	if err1 != nil || err2 != nil || err3 != nil {
		return false
	}
	dk, err := pbkdf2.Key(sha256.New, password, salt, iter, len(want))
	return err == nil && subtle.ConstantTimeCompare(dk, want) == 1
}
