package iam

import (
	"context"
	"net/http"

	"github.com/shoal-dev/shoal/internal/awsapi"
	"github.com/shoal-dev/shoal/internal/meta"
)

// UsersMayChangePassword reports whether the account password policy lets
// every IAM user change their own password (AllowUsersToChangePassword),
// which stands in for an iam:ChangePassword permission on themselves.
func (s *Service) UsersMayChangePassword(ctx context.Context) (bool, error) {
	var p *PasswordPolicy
	err := s.view(ctx, func(tx *meta.Tx) error {
		var err error
		p, err = loadPasswordPolicy(ctx, tx)
		return err
	})
	return p != nil && p.AllowUsersToChangePassword, dbErr("load password policy", err)
}

// ChangePassword changes the calling IAM user's console password after
// checking the old one, under the account password policy. It also
// clears the login profile's PasswordResetRequired.
func (s *Service) ChangePassword(ctx context.Context, caller awsapi.Identity, oldPassword, newPassword string) error {
	if caller.PrincipalType != "user" {
		return awsapi.Errorf(http.StatusBadRequest, "InvalidUserType", "Only IAM users can change their own password with ChangePassword.")
	}
	if err := checkPasswordLength(newPassword); err != nil {
		return err
	}
	hash, err := hashPassword(newPassword)
	if err != nil {
		return err
	}
	return dbErr("change password", s.update(ctx, func(tx *meta.Tx) error {
		u, err := s.loadUser(ctx, tx, caller.Name)
		if err != nil {
			return err
		}
		key := nameKey(u.Name)
		var old string
		err = tx.QueryRow(ctx, `SELECT password_hash FROM iam_login_profiles WHERE user_key = ?`, key).Scan(&old)
		if meta.IsNoRows(err) {
			return loginNotFound(u.Name)
		}
		if err != nil {
			return err
		}
		if !checkPassword(old, oldPassword) {
			return accessDenied("The old password is incorrect.")
		}
		if err := s.refuseHardExpired(ctx, tx, key); err != nil {
			return err
		}
		if err := checkNewPassword(ctx, tx, key, newPassword); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE iam_login_profiles SET password_hash = ?, password_reset_required = 0 WHERE user_key = ?`, hash, key); err != nil {
			return err
		}
		return recordPassword(ctx, tx, key, hash, s.now())
	}))
}

// refuseHardExpired refuses a change of an expired password when the
// policy's HardExpiry says only an administrator may then set one.
func (s *Service) refuseHardExpired(ctx context.Context, tx *meta.Tx, userKey string) error {
	p, err := loadPasswordPolicy(ctx, tx)
	if err != nil || p == nil || !p.HardExpiry {
		return err
	}
	expired, err := passwordExpired(ctx, tx, userKey, s.now())
	if err != nil || !expired {
		return err
	}
	return accessDenied("The password has expired and the account password policy (HardExpiry) lets only an administrator set a new one.")
}
