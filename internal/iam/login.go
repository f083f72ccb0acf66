package iam

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/shoal-dev/shoal/internal/awsapi"
	"github.com/shoal-dev/shoal/internal/meta"
)

// LoginProfile is a user's console password (only its existence is shown).
type LoginProfile struct {
	UserName              string
	Created               time.Time
	PasswordResetRequired bool
}

// ErrBadPassword is returned by CheckPassword for a wrong user or password.
var ErrBadPassword = errors.New("iam: wrong user name or password")

// ErrPasswordExpired is returned by CheckPassword and SCRAMVerifier for a
// password older than the password policy's MaxPasswordAge. Shoal cannot
// yet ask for a new password at sign-in, so it is also an ErrBadPassword;
// an administrator sets a new one (UpdateLoginProfile).
var ErrPasswordExpired = fmt.Errorf("%w: the password has expired", ErrBadPassword)

func checkPasswordLength(pw string) error {
	if len(pw) < 1 || len(pw) > 128 {
		return constraint("*******", "password", "Member must have length less than or equal to 128")
	}
	return nil
}

// checkDefaultPassword applies IAM's default password policy: at least 8
// characters from at least three of upper case, lower case, digits and
// symbols.
func checkDefaultPassword(pw string) error {
	c := classify(pw)
	kinds := 0
	for _, has := range []bool{c.upper, c.lower, c.digit, c.symbol} {
		if has {
			kinds++
		}
	}
	if len(pw) < 8 || kinds < 3 {
		return awsapi.Errorf(http.StatusBadRequest, "PasswordPolicyViolation",
			"Password should have a minimum length of 8 and contain characters from at least three of: upper case letters, lower case letters, numbers and symbols.")
	}
	return nil
}

// CreateLoginProfile gives a user a console password.
func (s *Service) CreateLoginProfile(ctx context.Context, userName, password string, resetRequired bool) (*LoginProfile, error) {
	if err := checkName(userName, "userName", 64); err != nil {
		return nil, err
	}
	if err := checkPasswordLength(password); err != nil {
		return nil, err
	}
	hash, err := hashPassword(password)
	if err != nil {
		return nil, err
	}
	lp := &LoginProfile{Created: s.now(), PasswordResetRequired: resetRequired}
	err = s.update(ctx, func(tx *meta.Tx) error {
		u, err := s.loadUser(ctx, tx, userName)
		if err != nil {
			return err
		}
		lp.UserName = u.Name
		if exists, err := rowExists(ctx, tx, `SELECT 1 FROM iam_login_profiles WHERE user_key = ?`, nameKey(u.Name)); err != nil || exists {
			if exists {
				return alreadyExists("Login Profile for user %s already exists.", u.Name)
			}
			return err
		}
		if err := checkNewPassword(ctx, tx, nameKey(u.Name), password); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO iam_login_profiles (user_key, password_hash, password_reset_required, create_time) VALUES (?, ?, ?, ?)`,
			nameKey(u.Name), hash, boolInt(resetRequired), millis(lp.Created))
		if err != nil {
			return err
		}
		return recordPassword(ctx, tx, nameKey(u.Name), hash, lp.Created)
	})
	return lp, dbErr("create login profile", err)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func loginNotFound(user string) error {
	return noSuchEntity("Login Profile for User %s cannot be found.", user)
}

// GetLoginProfile reports whether a user has a console password.
func (s *Service) GetLoginProfile(ctx context.Context, userName string) (*LoginProfile, error) {
	if err := checkName(userName, "userName", 64); err != nil {
		return nil, err
	}
	lp := &LoginProfile{}
	err := s.view(ctx, func(tx *meta.Tx) error {
		u, err := s.loadUser(ctx, tx, userName)
		if err != nil {
			return err
		}
		var created, reset int64
		err = tx.QueryRow(ctx, `SELECT create_time, password_reset_required FROM iam_login_profiles WHERE user_key = ?`, nameKey(u.Name)).Scan(&created, &reset)
		if meta.IsNoRows(err) {
			return loginNotFound(u.Name)
		}
		lp.UserName, lp.Created, lp.PasswordResetRequired = u.Name, fromMillis(created), reset != 0
		return err
	})
	return lp, dbErr("get login profile", err)
}

// UpdateLoginProfile changes a user's password and/or reset flag.
func (s *Service) UpdateLoginProfile(ctx context.Context, userName string, password *string, resetRequired *bool) error {
	if err := checkName(userName, "userName", 64); err != nil {
		return err
	}
	var hash string
	if password != nil {
		if err := checkPasswordLength(*password); err != nil {
			return err
		}
		var err error
		if hash, err = hashPassword(*password); err != nil {
			return err
		}
	}
	return dbErr("update login profile", s.update(ctx, func(tx *meta.Tx) error {
		u, err := s.loadUser(ctx, tx, userName)
		if err != nil {
			return err
		}
		key := nameKey(u.Name)
		if exists, err := rowExists(ctx, tx, `SELECT 1 FROM iam_login_profiles WHERE user_key = ?`, key); err != nil || !exists {
			if err == nil {
				err = loginNotFound(u.Name)
			}
			return err
		}
		if hash != "" {
			if err := checkNewPassword(ctx, tx, key, *password); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE iam_login_profiles SET password_hash = ? WHERE user_key = ?`, hash, key); err != nil {
				return err
			}
			if err := recordPassword(ctx, tx, key, hash, s.now()); err != nil {
				return err
			}
		}
		if resetRequired != nil {
			_, err = tx.Exec(ctx, `UPDATE iam_login_profiles SET password_reset_required = ? WHERE user_key = ?`, boolInt(*resetRequired), key)
		}
		return err
	}))
}

// DeleteLoginProfile removes a user's console password.
func (s *Service) DeleteLoginProfile(ctx context.Context, userName string) error {
	if err := checkName(userName, "userName", 64); err != nil {
		return err
	}
	return dbErr("delete login profile", s.update(ctx, func(tx *meta.Tx) error {
		u, err := s.loadUser(ctx, tx, userName)
		if err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `DELETE FROM iam_login_profiles WHERE user_key = ?`, nameKey(u.Name))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return loginNotFound(u.Name)
		}
		return nil
	}))
}

// loginProfile reads a user with their stored password hash and whether
// the password has expired; a missing user or login profile is
// ErrBadPassword, so sign-in does not tell which was wrong.
func (s *Service) loginProfile(ctx context.Context, userName, op string) (u *User, hash string, expired bool, err error) {
	err = s.view(ctx, func(tx *meta.Tx) error {
		var err error
		if u, err = s.loadUser(ctx, tx, userName); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT password_hash FROM iam_login_profiles WHERE user_key = ?`, nameKey(u.Name)).Scan(&hash); err != nil {
			return err
		}
		expired, err = passwordExpired(ctx, tx, nameKey(u.Name), s.now())
		return err
	})
	var ae *awsapi.Error
	if meta.IsNoRows(err) || errors.As(err, &ae) {
		return nil, "", false, ErrBadPassword
	}
	if err != nil {
		return nil, "", false, dbErr(op, err)
	}
	return u, hash, expired, nil
}

// CheckPassword verifies a user's console password (for the console and the
// Postgres endpoint) and returns the user's identity.
func (s *Service) CheckPassword(ctx context.Context, userName, password string) (awsapi.Identity, error) {
	u, hash, expired, err := s.loginProfile(ctx, userName, "check password")
	if err != nil {
		return awsapi.Identity{}, err
	}
	if !checkPassword(hash, password) {
		return awsapi.Identity{}, ErrBadPassword
	}
	if expired {
		return awsapi.Identity{}, ErrPasswordExpired
	}
	return s.UserIdentity(u, ""), nil
}
