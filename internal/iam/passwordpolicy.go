package iam

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"
	"unicode"

	"github.com/shoal-dev/shoal/internal/awsapi"
	"github.com/shoal-dev/shoal/internal/meta"
)

// PasswordPolicy is the account password policy for console passwords.
// Without one, IAM's default rules apply (checkDefaultPassword).
type PasswordPolicy struct {
	MinimumPasswordLength      int
	RequireSymbols             bool
	RequireNumbers             bool
	RequireUppercaseCharacters bool
	RequireLowercaseCharacters bool
	AllowUsersToChangePassword bool
	// MaxPasswordAge is in days; 0 means passwords do not expire.
	MaxPasswordAge int
	// PasswordReusePrevention is how many previous passwords may not be
	// reused; 0 means any.
	PasswordReusePrevention int
	HardExpiry              bool
}

// UpdatePasswordPolicyInput are UpdateAccountPasswordPolicy's parameters;
// like IAM, an absent one takes its default, not its previous value.
type UpdatePasswordPolicyInput struct {
	MinimumPasswordLength      *int
	RequireSymbols             *bool
	RequireNumbers             *bool
	RequireUppercaseCharacters *bool
	RequireLowercaseCharacters *bool
	AllowUsersToChangePassword *bool
	MaxPasswordAge             *int
	PasswordReusePrevention    *int
	HardExpiry                 *bool
}

const passwordPolicyRow = 1

var errPolicyViolation = awsapi.Errorf(http.StatusBadRequest, "PasswordPolicyViolation", "Password does not conform to the account password policy.")

func (s *Service) noPasswordPolicy() error {
	return noSuchEntity("The Password Policy with domain name %s cannot be found.", s.opts.AccountID)
}

func intRange(v *int, field string, lo, hi, def int) (int, error) {
	if v == nil {
		return def, nil
	}
	if *v < lo || *v > hi {
		return 0, constraint(*v, field, boundRule(*v, lo, hi))
	}
	return *v, nil
}

func flag(b *bool) bool { return b != nil && *b }

func (in *UpdatePasswordPolicyInput) policy() (*PasswordPolicy, error) {
	p := &PasswordPolicy{RequireSymbols: flag(in.RequireSymbols), RequireNumbers: flag(in.RequireNumbers),
		RequireUppercaseCharacters: flag(in.RequireUppercaseCharacters), RequireLowercaseCharacters: flag(in.RequireLowercaseCharacters),
		AllowUsersToChangePassword: flag(in.AllowUsersToChangePassword), HardExpiry: flag(in.HardExpiry)}
	var err error
	if p.MinimumPasswordLength, err = intRange(in.MinimumPasswordLength, "minimumPasswordLength", 6, 128, 6); err != nil {
		return nil, err
	}
	if p.MaxPasswordAge, err = intRange(in.MaxPasswordAge, "maxPasswordAge", 1, 1095, 0); err != nil {
		return nil, err
	}
	if p.PasswordReusePrevention, err = intRange(in.PasswordReusePrevention, "passwordReusePrevention", 1, 24, 0); err != nil {
		return nil, err
	}
	return p, nil
}

// UpdatePasswordPolicy sets the account password policy.
func (s *Service) UpdatePasswordPolicy(ctx context.Context, in UpdatePasswordPolicyInput) error {
	p, err := in.policy()
	if err != nil {
		return err
	}
	doc, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("iam: encode password policy: %w", err)
	}
	return dbErr("update password policy", s.update(ctx, func(tx *meta.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM iam_password_policy WHERE id = ?`, passwordPolicyRow); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO iam_password_policy (id, document) VALUES (?, ?)`, passwordPolicyRow, string(doc))
		return err
	}))
}

// GetPasswordPolicy returns the account password policy, NoSuchEntity if
// none is set.
func (s *Service) GetPasswordPolicy(ctx context.Context) (*PasswordPolicy, error) {
	var p *PasswordPolicy
	err := s.view(ctx, func(tx *meta.Tx) error {
		var err error
		p, err = loadPasswordPolicy(ctx, tx)
		return err
	})
	if err == nil && p == nil {
		err = s.noPasswordPolicy()
	}
	return p, dbErr("get password policy", err)
}

// DeletePasswordPolicy removes the account password policy.
func (s *Service) DeletePasswordPolicy(ctx context.Context) error {
	return dbErr("delete password policy", s.update(ctx, func(tx *meta.Tx) error {
		res, err := tx.Exec(ctx, `DELETE FROM iam_password_policy WHERE id = ?`, passwordPolicyRow)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return s.noPasswordPolicy()
		}
		return nil
	}))
}

// loadPasswordPolicy is the account password policy, nil if none is set.
func loadPasswordPolicy(ctx context.Context, tx *meta.Tx) (*PasswordPolicy, error) {
	var doc string
	err := tx.QueryRow(ctx, `SELECT document FROM iam_password_policy WHERE id = ?`, passwordPolicyRow).Scan(&doc)
	if meta.IsNoRows(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	p := &PasswordPolicy{}
	if err := json.Unmarshal([]byte(doc), p); err != nil {
		return nil, fmt.Errorf("decode password policy: %w", err)
	}
	return p, nil
}

// passwordClasses says which kinds of characters pw has.
type passwordClasses struct{ upper, lower, digit, symbol bool }

func classify(pw string) passwordClasses {
	var c passwordClasses
	for _, r := range pw {
		switch {
		case unicode.IsUpper(r):
			c.upper = true
		case unicode.IsLower(r):
			c.lower = true
		case unicode.IsDigit(r):
			c.digit = true
		default:
			c.symbol = true
		}
	}
	return c
}

// allows reports whether pw meets the policy's composition rules.
func (p *PasswordPolicy) allows(pw string) bool {
	c := classify(pw)
	return len([]rune(pw)) >= p.MinimumPasswordLength && (c.symbol || !p.RequireSymbols) && (c.digit || !p.RequireNumbers) &&
		(c.upper || !p.RequireUppercaseCharacters) && (c.lower || !p.RequireLowercaseCharacters)
}

// checkNewPassword applies the account password policy (or IAM's default
// rules without one) to a new password for the user userKey, including
// reuse of its previous passwords.
func checkNewPassword(ctx context.Context, tx *meta.Tx, userKey, pw string) error {
	p, err := loadPasswordPolicy(ctx, tx)
	if err != nil {
		return err
	}
	if p == nil {
		return checkDefaultPassword(pw)
	}
	if !p.allows(pw) {
		return errPolicyViolation
	}
	if p.PasswordReusePrevention == 0 {
		return nil
	}
	hashes, err := queryStrings(ctx, tx, `SELECT password_hash FROM iam_password_history WHERE user_key = ?
		ORDER BY change_time DESC LIMIT ?`, userKey, p.PasswordReusePrevention)
	if err != nil {
		return err
	}
	for _, h := range hashes {
		if checkPassword(h, pw) {
			return errPolicyViolation
		}
	}
	return nil
}

// maxPasswordHistory bounds the history kept per user: the most
// PasswordReusePrevention can ask for.
const maxPasswordHistory = 24

// recordPassword notes a user's new password hash and when it was set
// (password age), keeping the last maxPasswordHistory.
func recordPassword(ctx context.Context, tx *meta.Tx, userKey, hash string, at time.Time) error {
	if _, err := tx.Exec(ctx, `INSERT INTO iam_password_history (user_key, change_time, password_hash) VALUES (?, ?, ?)`,
		userKey, millis(at), hash); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `DELETE FROM iam_password_history WHERE user_key = ? AND change_time NOT IN (
		SELECT change_time FROM iam_password_history WHERE user_key = ? ORDER BY change_time DESC LIMIT ?)`,
		userKey, userKey, maxPasswordHistory)
	return err
}

// passwordExpired reports whether the user's console password is older
// than the policy's MaxPasswordAge. A password set before Shoal kept
// history counts from its login profile's creation.
func passwordExpired(ctx context.Context, tx *meta.Tx, userKey string, now time.Time) (bool, error) {
	p, err := loadPasswordPolicy(ctx, tx)
	if err != nil || p == nil || p.MaxPasswordAge == 0 {
		return false, err
	}
	var set int64
	err = tx.QueryRow(ctx, `SELECT COALESCE(MAX(change_time), 0) FROM iam_password_history WHERE user_key = ?`, userKey).Scan(&set)
	if err != nil {
		return false, err
	}
	if set == 0 {
		err := tx.QueryRow(ctx, `SELECT create_time FROM iam_login_profiles WHERE user_key = ?`, userKey).Scan(&set)
		if err != nil && !meta.IsNoRows(err) {
			return false, err
		}
	}
	age := time.Duration(p.MaxPasswordAge) * 24 * time.Hour
	return set != 0 && now.Sub(fromMillis(set)) >= age, nil
}
