package iamapi

import (
	"context"

	"github.com/shoal-dev/shoal/internal/awsapi"
	"github.com/shoal-dev/shoal/internal/iam"
)

type xmlUser struct {
	Path       string `xml:"Path,omitempty"`
	UserName   string `xml:"UserName,omitempty"`
	UserID     string `xml:"UserId"`
	Arn        string `xml:"Arn"`
	CreateDate string `xml:"CreateDate,omitempty"`
	// PermissionsBoundary only in GetUser and CreateUser, as IAM does.
	PermissionsBoundary *xmlBoundary `xml:"PermissionsBoundary,omitempty"`
	Tags                *xmlTags     `xml:"Tags,omitempty"`
}

func userOut(u *iam.User) xmlUser {
	return xmlUser{Path: u.Path, UserName: u.Name, UserID: u.ID, Arn: u.ARN, CreateDate: isoTime(u.Created),
		PermissionsBoundary: boundaryOut(u.PermissionsBoundary), Tags: tagsOut(u.Tags)}
}

type userResult struct {
	User xmlUser `xml:"User"`
}

func (a *api) userOps() map[string]awsapi.QueryOp {
	return map[string]awsapi.QueryOp{
		"CreateUser": handle(a.createUser),
		"GetUser":    handle(a.getUser),
		"ListUsers":  handle(a.listUsers),
		"UpdateUser": handle(a.updateUser),
		"DeleteUser": handle(a.deleteUser),
	}
}

type createUserIn struct {
	UserName            string     `query:"UserName,required"`
	Path                *string    `query:"Path"`
	Tags                []tagParam `query:"Tags"`
	PermissionsBoundary *string    `query:"PermissionsBoundary"`
}

func (a *api) createUser(ctx context.Context, _ *awsapi.AuthInfo, in *createUserIn) (any, error) {
	u, err := a.svc.CreateUser(ctx, iam.CreateUserInput{Name: in.UserName, Path: in.Path, Tags: tagsIn(in.Tags),
		PermissionsBoundary: in.PermissionsBoundary})
	if err != nil {
		return nil, err
	}
	return &userResult{User: userOut(u)}, nil
}

type userNameIn struct {
	UserName *string `query:"UserName"`
}

func (a *api) getUser(ctx context.Context, auth *awsapi.AuthInfo, in *userNameIn) (any, error) {
	if in.UserName == nil && auth != nil && auth.Identity.Root {
		// The root user has no name or path; IAM answers with its id and ARN.
		return &userResult{User: xmlUser{UserID: auth.Identity.AccountID, Arn: auth.Identity.ARN}}, nil
	}
	name, err := callerUser(auth, in.UserName)
	if err != nil {
		return nil, err
	}
	u, err := a.svc.GetUser(ctx, name)
	if err != nil {
		return nil, err
	}
	return &userResult{User: userOut(u)}, nil
}

type listUsersIn struct {
	PathPrefix *string `query:"PathPrefix"`
	paging
}

type listUsersResult struct {
	Users []xmlUser `xml:"Users>member"`
	listResult
}

func (a *api) listUsers(ctx context.Context, _ *awsapi.AuthInfo, in *listUsersIn) (any, error) {
	users, next, err := a.svc.ListUsers(ctx, in.PathPrefix, in.page())
	if err != nil {
		return nil, err
	}
	out := &listUsersResult{Users: []xmlUser{}, listResult: truncated(next)}
	for _, u := range users {
		out.Users = append(out.Users, userOut(u))
	}
	return out, nil
}

type updateUserIn struct {
	UserName    string  `query:"UserName,required"`
	NewUserName *string `query:"NewUserName"`
	NewPath     *string `query:"NewPath"`
}

func (a *api) updateUser(ctx context.Context, _ *awsapi.AuthInfo, in *updateUserIn) (any, error) {
	return nil, a.svc.UpdateUser(ctx, in.UserName, in.NewUserName, in.NewPath)
}

type requiredUserIn struct {
	UserName string `query:"UserName,required"`
}

func (a *api) deleteUser(ctx context.Context, _ *awsapi.AuthInfo, in *requiredUserIn) (any, error) {
	return nil, a.svc.DeleteUser(ctx, in.UserName)
}

// --- access keys ---

type xmlAccessKey struct {
	UserName        string `xml:"UserName,omitempty"`
	AccessKeyID     string `xml:"AccessKeyId"`
	Status          string `xml:"Status"`
	SecretAccessKey string `xml:"SecretAccessKey,omitempty"`
	CreateDate      string `xml:"CreateDate,omitempty"`
}

func (a *api) keyOps() map[string]awsapi.QueryOp {
	return map[string]awsapi.QueryOp{
		"CreateAccessKey":      handle(a.createAccessKey),
		"ListAccessKeys":       handle(a.listAccessKeys),
		"UpdateAccessKey":      handle(a.updateAccessKey),
		"DeleteAccessKey":      handle(a.deleteAccessKey),
		"GetAccessKeyLastUsed": handle(a.getAccessKeyLastUsed),
	}
}

type createKeyResult struct {
	AccessKey xmlAccessKey `xml:"AccessKey"`
}

func (a *api) createAccessKey(ctx context.Context, auth *awsapi.AuthInfo, in *userNameIn) (any, error) {
	name, err := callerUser(auth, in.UserName)
	if err != nil {
		return nil, err
	}
	k, err := a.svc.CreateAccessKey(ctx, name)
	if err != nil {
		return nil, err
	}
	return &createKeyResult{AccessKey: xmlAccessKey{UserName: k.UserName, AccessKeyID: k.AccessKeyID, Status: k.Status,
		SecretAccessKey: k.Secret, CreateDate: isoTime(k.Created)}}, nil
}

type listKeysIn struct {
	UserName *string `query:"UserName"`
	paging
}

type listKeysResult struct {
	Keys []xmlAccessKey `xml:"AccessKeyMetadata>member"`
	listResult
}

func (a *api) listAccessKeys(ctx context.Context, auth *awsapi.AuthInfo, in *listKeysIn) (any, error) {
	if in.UserName == nil && auth != nil && auth.Identity.Root {
		return &listKeysResult{Keys: []xmlAccessKey{{AccessKeyID: auth.Identity.AccessKeyID, Status: "Active"}}}, nil
	}
	name, err := callerUser(auth, in.UserName)
	if err != nil {
		return nil, err
	}
	keys, next, err := a.svc.ListAccessKeys(ctx, name, in.page())
	if err != nil {
		return nil, err
	}
	out := &listKeysResult{Keys: []xmlAccessKey{}, listResult: truncated(next)}
	for _, k := range keys {
		out.Keys = append(out.Keys, xmlAccessKey{UserName: k.UserName, AccessKeyID: k.AccessKeyID, Status: k.Status, CreateDate: isoTime(k.Created)})
	}
	return out, nil
}

type updateKeyIn struct {
	UserName    *string `query:"UserName"`
	AccessKeyID string  `query:"AccessKeyId,required"`
	Status      string  `query:"Status,required"`
}

func (a *api) updateAccessKey(ctx context.Context, auth *awsapi.AuthInfo, in *updateKeyIn) (any, error) {
	name, err := callerUser(auth, in.UserName)
	if err != nil {
		return nil, err
	}
	return nil, a.svc.UpdateAccessKey(ctx, name, in.AccessKeyID, in.Status)
}

type deleteKeyIn struct {
	UserName    *string `query:"UserName"`
	AccessKeyID string  `query:"AccessKeyId,required"`
}

func (a *api) deleteAccessKey(ctx context.Context, auth *awsapi.AuthInfo, in *deleteKeyIn) (any, error) {
	name, err := callerUser(auth, in.UserName)
	if err != nil {
		return nil, err
	}
	return nil, a.svc.DeleteAccessKey(ctx, name, in.AccessKeyID)
}

type keyIDIn struct {
	AccessKeyID string `query:"AccessKeyId,required"`
}

type lastUsedResult struct {
	UserName     string `xml:"UserName"`
	LastUsedDate string `xml:"AccessKeyLastUsed>LastUsedDate,omitempty"`
	ServiceName  string `xml:"AccessKeyLastUsed>ServiceName"`
	Region       string `xml:"AccessKeyLastUsed>Region"`
}

func (a *api) getAccessKeyLastUsed(ctx context.Context, _ *awsapi.AuthInfo, in *keyIDIn) (any, error) {
	u, err := a.svc.GetAccessKeyLastUsed(ctx, in.AccessKeyID)
	if err != nil {
		return nil, err
	}
	return &lastUsedResult{UserName: u.UserName, LastUsedDate: isoTimeOpt(u.Time), ServiceName: u.Service, Region: u.Region}, nil
}

// --- login profiles ---

type xmlLoginProfile struct {
	UserName              string `xml:"UserName"`
	CreateDate            string `xml:"CreateDate"`
	PasswordResetRequired bool   `xml:"PasswordResetRequired"`
}

type loginResult struct {
	LoginProfile xmlLoginProfile `xml:"LoginProfile"`
}

func (a *api) loginOps() map[string]awsapi.QueryOp {
	return map[string]awsapi.QueryOp{
		"CreateLoginProfile": handle(a.createLoginProfile),
		"GetLoginProfile":    handle(a.getLoginProfile),
		"UpdateLoginProfile": handle(a.updateLoginProfile),
		"DeleteLoginProfile": handle(a.deleteLoginProfile),
	}
}

type createLoginIn struct {
	UserName              *string `query:"UserName"`
	Password              *string `query:"Password"`
	PasswordResetRequired *bool   `query:"PasswordResetRequired"`
}

func (a *api) createLoginProfile(ctx context.Context, auth *awsapi.AuthInfo, in *createLoginIn) (any, error) {
	name, err := callerUser(auth, in.UserName)
	if err != nil {
		return nil, err
	}
	if in.Password == nil {
		return nil, awsapi.MemberNull("Password")
	}
	lp, err := a.svc.CreateLoginProfile(ctx, name, *in.Password, in.PasswordResetRequired != nil && *in.PasswordResetRequired)
	if err != nil {
		return nil, err
	}
	return &loginResult{LoginProfile: xmlLoginProfile{UserName: lp.UserName, CreateDate: isoTime(lp.Created), PasswordResetRequired: lp.PasswordResetRequired}}, nil
}

func (a *api) getLoginProfile(ctx context.Context, auth *awsapi.AuthInfo, in *userNameIn) (any, error) {
	name, err := callerUser(auth, in.UserName)
	if err != nil {
		return nil, err
	}
	lp, err := a.svc.GetLoginProfile(ctx, name)
	if err != nil {
		return nil, err
	}
	return &loginResult{LoginProfile: xmlLoginProfile{UserName: lp.UserName, CreateDate: isoTime(lp.Created), PasswordResetRequired: lp.PasswordResetRequired}}, nil
}

func (a *api) updateLoginProfile(ctx context.Context, auth *awsapi.AuthInfo, in *createLoginIn) (any, error) {
	name, err := callerUser(auth, in.UserName)
	if err != nil {
		return nil, err
	}
	return nil, a.svc.UpdateLoginProfile(ctx, name, in.Password, in.PasswordResetRequired)
}

func (a *api) deleteLoginProfile(ctx context.Context, auth *awsapi.AuthInfo, in *userNameIn) (any, error) {
	name, err := callerUser(auth, in.UserName)
	if err != nil {
		return nil, err
	}
	return nil, a.svc.DeleteLoginProfile(ctx, name)
}
