package iam

import (
	"context"
	"regexp"
	"sync"
	"time"

	"github.com/shoal-dev/shoal/internal/meta"
)

// AccessKey is an IAM user's access key. Secret is set only when the key is
// created: IAM never shows it again.
type AccessKey struct {
	UserName    string
	AccessKeyID string
	Status      string
	Secret      string
	Created     time.Time
}

// KeyLastUsed is what GetAccessKeyLastUsed reports; Time is zero (and
// Service and Region "N/A") for a key never used.
type KeyLastUsed struct {
	UserName string
	Time     time.Time
	Service  string
	Region   string
}

const maxKeysPerUser = 2

var accessKeyIDPattern = regexp.MustCompile(`^\w{16,128}$`)

func checkAccessKeyID(id string) error {
	if !accessKeyIDPattern.MatchString(id) {
		return constraint(id, "accessKeyId", `Member must satisfy regular expression pattern: [\w]+`)
	}
	return nil
}

func checkKeyStatus(status string) error {
	if status != "Active" && status != "Inactive" {
		return constraint(status, "status", "Member must satisfy enum value set: [Active, Inactive, Expired]")
	}
	return nil
}

// CreateAccessKey creates an active key for a user (at most two per user).
func (s *Service) CreateAccessKey(ctx context.Context, userName string) (*AccessKey, error) {
	if err := checkName(userName, "userName", 128); err != nil {
		return nil, err
	}
	k := &AccessKey{AccessKeyID: newAccessKeyID("AKIA"), Status: "Active", Secret: newSecretAccessKey(), Created: s.now()}
	err := s.update(ctx, func(tx *meta.Tx) error {
		u, err := s.loadUser(ctx, tx, userName)
		if err != nil {
			return err
		}
		k.UserName = u.Name
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM iam_access_keys WHERE user_key = ?`, nameKey(u.Name)).Scan(&n); err != nil {
			return err
		}
		if n >= maxKeysPerUser {
			return limitExceeded("Cannot exceed quota for AccessKeysPerUser: %d", maxKeysPerUser)
		}
		_, err = tx.Exec(ctx, `INSERT INTO iam_access_keys (access_key_id, user_key, secret_sealed, status, create_time,
			last_used_time, last_used_service, last_used_region) VALUES (?, ?, ?, ?, ?, 0, '', '')`,
			k.AccessKeyID, nameKey(u.Name), s.seal(k.AccessKeyID, k.Secret), k.Status, millis(k.Created))
		return err
	})
	if err != nil {
		return nil, dbErr("create access key", err)
	}
	return k, nil
}

// ListAccessKeys lists a user's keys (without secrets).
func (s *Service) ListAccessKeys(ctx context.Context, userName string, page Page) ([]*AccessKey, string, error) {
	if err := checkName(userName, "userName", 128); err != nil {
		return nil, "", err
	}
	var keys []*AccessKey
	err := s.view(ctx, func(tx *meta.Tx) error {
		u, err := s.loadUser(ctx, tx, userName)
		if err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT access_key_id, status, create_time FROM iam_access_keys WHERE user_key = ?`, nameKey(u.Name))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			k := &AccessKey{UserName: u.Name}
			var created int64
			if err := rows.Scan(&k.AccessKeyID, &k.Status, &created); err != nil {
				return err
			}
			k.Created = fromMillis(created)
			keys = append(keys, k)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, "", dbErr("list access keys", err)
	}
	return paginate(keys, func(k *AccessKey) string { return k.AccessKeyID }, page)
}

// UpdateAccessKey sets a key Active or Inactive; an inactive key no longer
// authenticates.
func (s *Service) UpdateAccessKey(ctx context.Context, userName, keyID, status string) error {
	if err := checkAccessKeyID(keyID); err != nil {
		return err
	}
	if err := checkKeyStatus(status); err != nil {
		return err
	}
	defer s.creds.clear()
	return dbErr("update access key", s.update(ctx, func(tx *meta.Tx) error {
		return s.execOnKey(ctx, tx, userName, keyID, `UPDATE iam_access_keys SET status = ? WHERE access_key_id = ?`, status, keyID)
	}))
}

// DeleteAccessKey deletes a user's key.
func (s *Service) DeleteAccessKey(ctx context.Context, userName, keyID string) error {
	if err := checkAccessKeyID(keyID); err != nil {
		return err
	}
	defer s.creds.clear()
	return dbErr("delete access key", s.update(ctx, func(tx *meta.Tx) error {
		return s.execOnKey(ctx, tx, userName, keyID, `DELETE FROM iam_access_keys WHERE access_key_id = ?`, keyID)
	}))
}

// execOnKey runs q after checking that the key belongs to the user.
func (s *Service) execOnKey(ctx context.Context, tx *meta.Tx, userName, keyID, q string, args ...any) error {
	u, err := s.loadUser(ctx, tx, userName)
	if err != nil {
		return err
	}
	owned, err := rowExists(ctx, tx, `SELECT 1 FROM iam_access_keys WHERE access_key_id = ? AND user_key = ?`, keyID, nameKey(u.Name))
	if err != nil {
		return err
	}
	if !owned {
		return noSuchEntity("The Access Key with id %s cannot be found.", keyID)
	}
	_, err = tx.Exec(ctx, q, args...)
	return err
}

// KeyOwner returns the user name that owns an access key.
func (s *Service) KeyOwner(ctx context.Context, keyID string) (string, error) {
	var name string
	err := s.view(ctx, func(tx *meta.Tx) error {
		err := tx.QueryRow(ctx, `SELECT u.name FROM iam_access_keys k JOIN iam_users u ON u.name_key = k.user_key WHERE k.access_key_id = ?`, keyID).Scan(&name)
		if meta.IsNoRows(err) {
			return noSuchEntity("The Access Key with id %s cannot be found.", keyID)
		}
		return err
	})
	return name, dbErr("key owner", err)
}

// GetAccessKeyLastUsed reports when and where a key was last used.
func (s *Service) GetAccessKeyLastUsed(ctx context.Context, keyID string) (*KeyLastUsed, error) {
	if err := checkAccessKeyID(keyID); err != nil {
		return nil, err
	}
	out := &KeyLastUsed{}
	var used int64
	err := s.view(ctx, func(tx *meta.Tx) error {
		err := tx.QueryRow(ctx, `SELECT u.name, k.last_used_time, k.last_used_service, k.last_used_region
			FROM iam_access_keys k JOIN iam_users u ON u.name_key = k.user_key WHERE k.access_key_id = ?`, keyID).
			Scan(&out.UserName, &used, &out.Service, &out.Region)
		if meta.IsNoRows(err) {
			return noSuchEntity("The Access Key with id %s cannot be found.", keyID)
		}
		return err
	})
	if err != nil {
		return nil, dbErr("access key last used", err)
	}
	out.Time = fromMillis(used)
	if u, ok := s.usage.get(keyID); ok {
		out.Time, out.Service, out.Region = u.Time, u.Service, u.Region
	}
	if out.Time.IsZero() {
		out.Service, out.Region = "N/A", "N/A"
	}
	return out, nil
}

// keyUsage remembers the last use of each access key in memory; requests
// are far too frequent to write each one. It is written out periodically
// (flushUsageLoop) and on Close.
type keyUsage struct {
	mu   sync.Mutex
	last map[string]KeyLastUsed
}

func newKeyUsage() *keyUsage { return &keyUsage{last: map[string]KeyLastUsed{}} }

func (k *keyUsage) get(id string) (KeyLastUsed, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	u, ok := k.last[id]
	return u, ok
}

func (k *keyUsage) drain() map[string]KeyLastUsed {
	k.mu.Lock()
	defer k.mu.Unlock()
	out := k.last
	k.last = map[string]KeyLastUsed{}
	return out
}

// RecordKeyUse implements awsapi.KeyUseRecorder. AWS reports last use with
// minute-level precision, so the time is kept to the minute.
func (s *Service) RecordKeyUse(accessKeyID, service, region string) {
	if accessKeyID == s.opts.RootAccessKeyID || len(accessKeyID) < 4 || accessKeyID[:4] != "AKIA" {
		return
	}
	s.usage.mu.Lock()
	s.usage.last[accessKeyID] = KeyLastUsed{Time: s.now().Truncate(time.Minute), Service: service, Region: region}
	s.usage.mu.Unlock()
}

func (s *Service) flushUsage(ctx context.Context) error {
	pending := s.usage.drain()
	if len(pending) == 0 {
		return nil
	}
	return dbErr("record key use", s.update(ctx, func(tx *meta.Tx) error {
		for id, u := range pending {
			if _, err := tx.Exec(ctx, `UPDATE iam_access_keys SET last_used_time = ?, last_used_service = ?, last_used_region = ? WHERE access_key_id = ?`,
				millis(u.Time), u.Service, u.Region, id); err != nil {
				return err
			}
		}
		return nil
	}))
}
