package server

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/shoal-dev/shoal/internal/iam"
)

// rootCredentials are the account's root keys, as kept in the data dir.
type rootCredentials struct {
	AccessKeyID     string `json:"access_key_id"`
	SecretAccessKey string `json:"secret_access_key"`
}

const credentialsFile = "root-credentials.json"

// loadOrCreateRoot returns the root keys stored in dir, generating and storing
// them (mode 0600) on first start. created reports whether they are new.
func loadOrCreateRoot(dir string) (creds rootCredentials, created bool, err error) {
	path := filepath.Join(dir, credentialsFile)
	b, err := os.ReadFile(path)
	if err == nil {
		if err := json.Unmarshal(b, &creds); err != nil || creds.AccessKeyID == "" || creds.SecretAccessKey == "" {
			return creds, false, fmt.Errorf("root credentials file %s is damaged", path)
		}
		return creds, false, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return creds, false, fmt.Errorf("read root credentials: %w", err)
	}
	creds = rootCredentials{
		AccessKeyID:     "AKIA" + randomString(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"),
		SecretAccessKey: randomString(40, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"),
	}
	b, _ = json.MarshalIndent(creds, "", "  ")
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return creds, false, fmt.Errorf("write root credentials: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return creds, false, fmt.Errorf("write root credentials: %w", err)
	}
	return creds, true, nil
}

func randomString(n int, alphabet string) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on Linux
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// openIAM opens the IAM store, the credential source of every request: the
// root keys, IAM users' access keys and STS temporary credentials.
func (s *Server) openIAM(ctx context.Context) (err error) {
	s.iam, err = iam.Open(ctx, iam.Options{Store: s.meta, KeyFile: filepath.Join(s.cfg.DataDir, "iam-secrets.key"),
		AccountID: s.cfg.AccountID, RootAccessKeyID: s.root.AccessKeyID, RootSecretAccessKey: s.root.SecretAccessKey, Logger: s.logger})
	return err
}

func (s *Server) closeIAM(ctx context.Context) error {
	if s.iam == nil {
		return nil
	}
	return s.iam.Close(ctx)
}

// IAM is the identity store (users, roles, policies, STS sessions).
func (s *Server) IAM() *iam.Service { return s.iam }
