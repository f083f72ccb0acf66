package warehouse

import (
	"context"
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/shoal-dev/shoal/internal/awsapi"
)

const (
	scramMechanism  = "SCRAM-SHA-256"
	scramIterations = 4096
)

// errAuthFailed is returned (after the client was told) when the proof
// does not match or the access key is unknown.
var errAuthFailed = errors.New("password authentication failed")

// scramExchange is the server side of one RFC 5802 / RFC 7677 exchange.
type scramExchange struct {
	clientFirstBare string
	gs2Header       string
	nonce           string
	serverFirst     string
	salted          []byte
}

// scram authenticates sess.user (an access key id) whose password is the
// secret access key. The salt is random per exchange because no verifier
// is stored: the secret itself is the source of truth.
func (s *Server) scram(ctx context.Context, sess *session) error {
	be := sess.be
	be.Send(&pgproto3.AuthenticationSASL{AuthMechanisms: []string{scramMechanism}})
	if err := be.Flush(); err != nil {
		return fmt.Errorf("scram: %w", err)
	}
	be.SetAuthType(pgproto3.AuthTypeSASL)
	msg, err := be.Receive()
	if err != nil {
		return fmt.Errorf("scram: %w", err)
	}
	first, ok := msg.(*pgproto3.SASLInitialResponse)
	if !ok || first.AuthMechanism != scramMechanism {
		return sess.fatal(codeProtocolViolation, "expected SASL initial response with mechanism "+scramMechanism)
	}
	v, known, err := s.verifierFor(ctx, sess.user)
	if err != nil {
		return sess.fatal(codeInternal, "credential lookup failed")
	}
	x, err := newScramExchange(string(first.Data), v)
	if err != nil {
		return sess.fatal(codeProtocolViolation, err.Error())
	}
	be.Send(&pgproto3.AuthenticationSASLContinue{Data: []byte(x.serverFirst)})
	if err := be.Flush(); err != nil {
		return fmt.Errorf("scram: %w", err)
	}
	be.SetAuthType(pgproto3.AuthTypeSASLContinue)
	msg, err = be.Receive()
	if err != nil {
		return fmt.Errorf("scram: %w", err)
	}
	final, ok := msg.(*pgproto3.SASLResponse)
	if !ok {
		return sess.fatal(codeProtocolViolation, "expected SASL response")
	}
	serverFinal, err := x.verify(string(final.Data))
	if err != nil || !known {
		sess.fatal(codeInvalidPassword, fmt.Sprintf("password authentication failed for user %q", sess.user))
		return errAuthFailed
	}
	sess.identity = v.identity
	be.Send(&pgproto3.AuthenticationSASLFinal{Data: []byte(serverFinal)})
	return nil
}

// verifier is what the server checks a SCRAM proof against.
type verifier struct {
	salt       []byte
	iterations int
	salted     []byte // PBKDF2-HMAC-SHA256(password, salt, iterations)
	identity   awsapi.Identity
}

// verifierFor finds the user: an access key id (the password is its secret;
// temporary STS keys are refused, as there is no session token to check),
// else an IAM user with a console password. An unknown user gets a random
// verifier so the exchange runs to the end and fails like a wrong password.
func (s *Server) verifierFor(ctx context.Context, user string) (verifier, bool, error) {
	if s.opts.Credentials != nil {
		cred, ok, err := s.opts.Credentials.LookupAccessKey(ctx, user)
		if err != nil {
			return verifier{}, false, fmt.Errorf("lookup %s: %w", user, err)
		}
		if ok && len(cred.SessionTokenSHA256) == 0 {
			v, err := secretVerifier(cred.SecretAccessKey)
			v.identity = cred.Identity
			return v, true, err
		}
	}
	if s.opts.Users != nil {
		salt, iter, salted, id, err := s.opts.Users.SCRAMVerifier(ctx, user)
		if err == nil {
			return verifier{salt: salt, iterations: iter, salted: salted, identity: id}, true, nil
		}
	}
	v, err := secretVerifier(rand.Text())
	return v, false, err
}

// secretVerifier derives a verifier from a secret with a fresh salt: no
// verifier is stored for access keys, the secret is the source of truth.
func secretVerifier(secret string) (verifier, error) {
	salt := make([]byte, 16)
	rand.Read(salt)
	salted, err := pbkdf2.Key(sha256.New, secret, salt, scramIterations, sha256.Size)
	if err != nil {
		return verifier{}, fmt.Errorf("scram: %w", err)
	}
	return verifier{salt: salt, iterations: scramIterations, salted: salted}, nil
}

// newScramExchange parses client-first-message and builds the server's
// first message.
func newScramExchange(clientFirst string, v verifier) (*scramExchange, error) {
	// gs2-header: channel binding flag, authzid, then the bare message.
	parts := strings.SplitN(clientFirst, ",", 3)
	if len(parts) != 3 {
		return nil, errors.New("malformed SCRAM client-first-message")
	}
	if strings.HasPrefix(parts[0], "p") {
		return nil, errors.New("SCRAM channel binding is not supported")
	}
	x := &scramExchange{gs2Header: parts[0] + "," + parts[1] + ",", clientFirstBare: parts[2]}
	clientNonce := scramAttr(x.clientFirstBare, 'r')
	if clientNonce == "" {
		return nil, errors.New("SCRAM client-first-message has no nonce")
	}
	x.salted = v.salted
	x.nonce = clientNonce + rand.Text()
	x.serverFirst = fmt.Sprintf("r=%s,s=%s,i=%d", x.nonce, base64.StdEncoding.EncodeToString(v.salt), v.iterations)
	return x, nil
}

// verify checks client-final-message's proof and returns
// server-final-message.
func (x *scramExchange) verify(clientFinal string) (string, error) {
	i := strings.LastIndex(clientFinal, ",p=")
	if i < 0 {
		return "", errors.New("SCRAM client-final-message has no proof")
	}
	withoutProof := clientFinal[:i]
	proof, err := base64.StdEncoding.DecodeString(clientFinal[i+3:])
	if err != nil || len(proof) != sha256.Size {
		return "", errors.New("malformed SCRAM proof")
	}
	if scramAttr(withoutProof, 'c') != base64.StdEncoding.EncodeToString([]byte(x.gs2Header)) {
		return "", errors.New("SCRAM channel binding mismatch")
	}
	if scramAttr(withoutProof, 'r') != x.nonce {
		return "", errors.New("SCRAM nonce mismatch")
	}
	authMessage := x.clientFirstBare + "," + x.serverFirst + "," + withoutProof
	clientKey := hmacSHA256(x.salted, "Client Key")
	storedKey := sha256.Sum256(clientKey)
	signature := hmacSHA256(storedKey[:], authMessage)
	recovered := make([]byte, len(proof))
	for i := range proof {
		recovered[i] = proof[i] ^ signature[i]
	}
	if got := sha256.Sum256(recovered); !hmac.Equal(got[:], storedKey[:]) {
		return "", errAuthFailed
	}
	serverSig := hmacSHA256(hmacSHA256(x.salted, "Server Key"), authMessage)
	return "v=" + base64.StdEncoding.EncodeToString(serverSig), nil
}

// scramAttr returns the value of attribute "k=" in a comma-separated
// SCRAM message.
func scramAttr(msg string, k byte) string {
	for _, part := range strings.Split(msg, ",") {
		if len(part) >= 2 && part[0] == k && part[1] == '=' {
			return part[2:]
		}
	}
	return ""
}

func hmacSHA256(key []byte, msg string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(msg))
	return h.Sum(nil)
}
