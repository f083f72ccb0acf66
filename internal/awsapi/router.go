package awsapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"

	"github.com/google/uuid"
)

// JSONOp handles one operation of a JSON 1.1 (or CBOR) service.
type JSONOp func(ctx context.Context, call *Call) (any, error)

// Router is the single AWS edge: it authenticates every request and routes it
// to a JSON 1.1 service by X-Amz-Target, or to the S3 REST handler.
type Router struct {
	Verifier *Verifier
	Logger   *slog.Logger
	// Authorizer, when set, decides every call of a non-root caller
	// (handlers ask it through Authorize).
	Authorizer Authorizer

	mu    sync.RWMutex
	json  map[string]map[string]JSONOp // target prefix -> operation -> handler
	query map[string]*QueryService     // credential-scope service -> Query-protocol service
	s3    http.Handler
}

// NewRouter returns a Router that verifies requests with v.
func NewRouter(v *Verifier, logger *slog.Logger) *Router {
	return &Router{Verifier: v, Logger: logger, json: map[string]map[string]JSONOp{}}
}

// HandleJSON registers the operations of a JSON service under its target
// prefix, e.g. "Kinesis_20131202".
func (rt *Router) HandleJSON(prefix string, ops map[string]JSONOp) {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	rt.json[prefix] = ops
}

// HandleS3 sets the handler for requests without X-Amz-Target (S3 REST).
func (rt *Router) HandleS3(h http.Handler) {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	rt.s3 = h
}

type ctxKey int

const (
	requestIDKey ctxKey = iota
	authKey
)

// RequestIDFrom returns the request id assigned by the Router.
func RequestIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

// AuthFrom returns the verified caller of a request.
func AuthFrom(ctx context.Context) *AuthInfo {
	a, _ := ctx.Value(authKey).(*AuthInfo)
	return a
}

// WithAuth returns ctx carrying a (for in-process callers such as the console).
func WithAuth(ctx context.Context, a *AuthInfo) context.Context {
	return context.WithValue(ctx, authKey, a)
}

func (rt *Router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id := uuid.NewString()
	h := w.Header()
	h.Set("x-amzn-RequestId", id)
	h.Set("x-amz-request-id", id)
	h.Set("x-amz-id-2", id)
	ctx := context.WithValue(r.Context(), requestIDKey, id)
	r = r.WithContext(ctx)

	if r.URL.Path == "/_shoal/health" {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte("ok\n"))
		return
	}
	target := r.Header.Get("X-Amz-Target")
	isJSON := target != ""
	defer rt.recoverPanic(w, r, id, target)
	qs := rt.queryServiceFor(r)

	auth, err := rt.Verifier.Verify(r)
	if err != nil {
		var af *authFailure
		if errors.As(err, &af) {
			rt.Logger.Info("request refused", "request_id", id, "reason", af.message, "remote", r.RemoteAddr)
			switch {
			case qs != nil:
				err = af.queryError()
			case isJSON:
				err = af.jsonError()
			default:
				err = af.xmlError()
			}
		} else {
			rt.Logger.Error("authentication failed", "request_id", id, "err", err)
		}
		switch {
		case qs != nil:
			writeQueryError(w, r, qs, err)
		case isJSON:
			writeJSONError(w, r, codecFor(r), err)
		default:
			WriteXMLError(w, r, err)
		}
		return
	}
	rt.dispatch(w, r.WithContext(context.WithValue(ctx, authKey, auth)), target)
}

// ServeAs serves a request already authenticated as auth, skipping SigV4:
// the console signs users in itself and then calls the same operations.
func (rt *Router) ServeAs(w http.ResponseWriter, r *http.Request, auth *AuthInfo) {
	id := uuid.NewString()
	w.Header().Set("x-amzn-RequestId", id)
	w.Header().Set("x-amz-request-id", id)
	ctx := context.WithValue(context.WithValue(r.Context(), requestIDKey, id), authKey, auth)
	target := r.Header.Get("X-Amz-Target")
	defer rt.recoverPanic(w, r, id, target)
	rt.dispatch(w, r.WithContext(ctx), target)
}

// recoverPanic contains a handler's panic: it is logged and answered as an
// internal error in the request's protocol.
func (rt *Router) recoverPanic(w http.ResponseWriter, r *http.Request, id, target string) {
	v := recover()
	if v == nil {
		return
	}
	if v == http.ErrAbortHandler {
		panic(v)
	}
	rt.Logger.Error("panic serving request", "request_id", id, "target", target, "path", r.URL.Path, "panic", fmt.Sprint(v))
	if target != "" {
		writeJSONError(w, r, codecFor(r), errors.New("panic"))
	} else {
		WriteXMLError(w, r, errors.New("panic"))
	}
}

func (rt *Router) dispatch(w http.ResponseWriter, r *http.Request, target string) {
	region := ""
	if a := AuthFrom(r.Context()); a != nil {
		region = a.Region
	}
	if qs := rt.queryServiceFor(r); qs != nil {
		rt.serveQuery(w, r.WithContext(withAuthz(r.Context(), rt.Authorizer, protocolQuery, r, region)), qs)
		return
	}
	if target != "" {
		rt.serveJSON(w, r.WithContext(withAuthz(r.Context(), rt.Authorizer, protocolJSON, r, region)), target)
		return
	}
	r = r.WithContext(withAuthz(r.Context(), rt.Authorizer, protocolS3, r, region))
	rt.mu.RLock()
	s3 := rt.s3
	rt.mu.RUnlock()
	if s3 == nil {
		WriteXMLError(w, r, &Error{Status: 400, Code: "InvalidRequest", Message: "S3 is not enabled on this server"})
		return
	}
	s3.ServeHTTP(w, r)
}

func (rt *Router) serveJSON(w http.ResponseWriter, r *http.Request, target string) {
	codec := codecFor(r)
	prefix, op, _ := strings.Cut(target, ".")
	rt.mu.RLock()
	ops := rt.json[prefix]
	rt.mu.RUnlock()
	handler := ops[op]
	if handler == nil {
		writeJSONError(w, r, codec, &Error{Status: 400, Code: "UnknownOperationException", Message: fmt.Sprintf("Operation %s is not supported.", target)})
		return
	}
	if r.Method != http.MethodPost {
		writeJSONError(w, r, codec, &Error{Status: 400, Code: "SerializationException", Message: "JSON requests must use POST"})
		return
	}
	body, err := readBody(r)
	if err != nil {
		writeJSONError(w, r, codec, err)
		return
	}
	call := &Call{Operation: op, Body: body, Codec: codec, Auth: AuthFrom(r.Context())}
	resp, err := handler(r.Context(), call)
	if err != nil {
		ae := AsError(err)
		if ae.Status >= 500 {
			rt.Logger.Error("request failed", "request_id", RequestIDFrom(r.Context()), "target", target, "err", err)
		}
		writeJSONError(w, r, codec, err)
		return
	}
	out, err := codec.marshal(resp)
	if err != nil {
		rt.Logger.Error("encode response", "request_id", RequestIDFrom(r.Context()), "target", target, "err", err)
		writeJSONError(w, r, codec, err)
		return
	}
	w.Header().Set("Content-Type", codec.contentType)
	_, _ = w.Write(out)
}

func writeJSONError(w http.ResponseWriter, r *http.Request, codec *Codec, err error) {
	ae := AsError(err)
	body, mErr := codec.marshal(map[string]string{"__type": ae.Code, "message": ae.Message})
	if mErr != nil {
		body = []byte(`{"__type":"InternalFailure"}`)
	}
	w.Header().Set("Content-Type", codec.contentType)
	w.Header().Set("x-amzn-ErrorType", ae.Code)
	w.WriteHeader(ae.Status)
	_, _ = w.Write(body)
}

// Op adapts a typed handler to a JSONOp: it decodes the request into In
// (rejecting unknown fields), runs fn, and passes fn's error through mapErr,
// which turns service errors into the API's exceptions.
func Op[In any](fn func(ctx context.Context, in *In) (any, error), mapErr func(ctx context.Context, op string, err error) error) JSONOp {
	return func(ctx context.Context, call *Call) (any, error) {
		in := new(In)
		if err := call.Decode(in); err != nil {
			return nil, err
		}
		out, err := fn(ctx, in)
		if err != nil {
			return nil, mapErr(ctx, call.Operation, err)
		}
		return out, nil
	}
}
