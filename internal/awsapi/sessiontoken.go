package awsapi

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"time"
)

// KeyUseRecorder is implemented by credential sources that track when and
// where each access key was last used (GetAccessKeyLastUsed).
type KeyUseRecorder interface {
	RecordKeyUse(accessKeyID, service, region string)
}

// checkSessionToken requires the session token of temporary credentials
// (header, or query parameter when presigned) and refuses one sent with
// long-term keys, as AWS does.
func checkSessionToken(r *http.Request, cred Credential, now time.Time) error {
	token := r.Header.Get("X-Amz-Security-Token")
	if token == "" {
		token = r.URL.Query().Get("X-Amz-Security-Token")
	}
	return cred.CheckSessionToken(token, now)
}

// CheckSessionToken verifies the session token sent with the credential's
// key: required and unexpired for temporary credentials, refused with
// long-term keys.
func (cred Credential) CheckSessionToken(token string, now time.Time) error {
	if cred.SessionTokenSHA256 == nil {
		if token != "" {
			return authErr(authUnknownKey, "The security token included in the request is invalid.")
		}
		return nil
	}
	sum := sha256.Sum256([]byte(token))
	if token == "" || subtle.ConstantTimeCompare(sum[:], cred.SessionTokenSHA256) != 1 {
		return authErr(authUnknownKey, "The security token included in the request is invalid.")
	}
	if !now.Before(cred.Expires) {
		return authErr(authExpiredToken, "The security token included in the request is expired")
	}
	return nil
}
