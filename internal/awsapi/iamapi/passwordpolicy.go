package iamapi

import (
	"context"

	"github.com/shoal-dev/shoal/internal/awsapi"
	"github.com/shoal-dev/shoal/internal/iam"
)

func (a *api) passwordPolicyOps() map[string]awsapi.QueryOp {
	return map[string]awsapi.QueryOp{
		"UpdateAccountPasswordPolicy": handle(a.updatePasswordPolicy),
		"GetAccountPasswordPolicy":    handle(a.getPasswordPolicy),
		"DeleteAccountPasswordPolicy": handle(a.deletePasswordPolicy),
		"ChangePassword":              handle(a.changePassword),
	}
}

type changePasswordIn struct {
	OldPassword string `query:"OldPassword,required"`
	NewPassword string `query:"NewPassword,required"`
}

func (a *api) changePassword(ctx context.Context, auth *awsapi.AuthInfo, in *changePasswordIn) (any, error) {
	if auth == nil {
		return nil, awsapi.Errorf(400, "InvalidUserType", "Only IAM users can change their own password with ChangePassword.")
	}
	return nil, a.svc.ChangePassword(ctx, auth.Identity, in.OldPassword, in.NewPassword)
}

type updatePasswordPolicyIn struct {
	MinimumPasswordLength      *int  `query:"MinimumPasswordLength"`
	RequireSymbols             *bool `query:"RequireSymbols"`
	RequireNumbers             *bool `query:"RequireNumbers"`
	RequireUppercaseCharacters *bool `query:"RequireUppercaseCharacters"`
	RequireLowercaseCharacters *bool `query:"RequireLowercaseCharacters"`
	AllowUsersToChangePassword *bool `query:"AllowUsersToChangePassword"`
	MaxPasswordAge             *int  `query:"MaxPasswordAge"`
	PasswordReusePrevention    *int  `query:"PasswordReusePrevention"`
	HardExpiry                 *bool `query:"HardExpiry"`
}

func (a *api) updatePasswordPolicy(ctx context.Context, _ *awsapi.AuthInfo, in *updatePasswordPolicyIn) (any, error) {
	return nil, a.svc.UpdatePasswordPolicy(ctx, iam.UpdatePasswordPolicyInput(*in))
}

type xmlPasswordPolicy struct {
	MinimumPasswordLength      int  `xml:"MinimumPasswordLength"`
	RequireSymbols             bool `xml:"RequireSymbols"`
	RequireNumbers             bool `xml:"RequireNumbers"`
	RequireUppercaseCharacters bool `xml:"RequireUppercaseCharacters"`
	RequireLowercaseCharacters bool `xml:"RequireLowercaseCharacters"`
	AllowUsersToChangePassword bool `xml:"AllowUsersToChangePassword"`
	ExpirePasswords            bool `xml:"ExpirePasswords"`
	// Absent when unset, as IAM returns them.
	MaxPasswordAge          int  `xml:"MaxPasswordAge,omitempty"`
	PasswordReusePrevention int  `xml:"PasswordReusePrevention,omitempty"`
	HardExpiry              bool `xml:"HardExpiry"`
}

type passwordPolicyResult struct {
	PasswordPolicy xmlPasswordPolicy `xml:"PasswordPolicy"`
}

func (a *api) getPasswordPolicy(ctx context.Context, _ *awsapi.AuthInfo, _ *struct{}) (any, error) {
	p, err := a.svc.GetPasswordPolicy(ctx)
	if err != nil {
		return nil, err
	}
	return &passwordPolicyResult{PasswordPolicy: xmlPasswordPolicy{MinimumPasswordLength: p.MinimumPasswordLength,
		RequireSymbols: p.RequireSymbols, RequireNumbers: p.RequireNumbers, RequireUppercaseCharacters: p.RequireUppercaseCharacters,
		RequireLowercaseCharacters: p.RequireLowercaseCharacters, AllowUsersToChangePassword: p.AllowUsersToChangePassword,
		ExpirePasswords: p.MaxPasswordAge > 0, MaxPasswordAge: p.MaxPasswordAge, PasswordReusePrevention: p.PasswordReusePrevention,
		HardExpiry: p.HardExpiry}}, nil
}

func (a *api) deletePasswordPolicy(ctx context.Context, _ *awsapi.AuthInfo, _ *struct{}) (any, error) {
	return nil, a.svc.DeletePasswordPolicy(ctx)
}
