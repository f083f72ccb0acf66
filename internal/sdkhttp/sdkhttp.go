// Package sdkhttp is the HTTP client Shoal's own AWS SDK clients (tests, bench,
// demo, simulator) use against a local server.
//
// aws-sdk-go-v2 wraps request bodies in a reader whose WriteTo returns io.EOF
// as an error once the body has been closed. net/http, after sending a body of
// known length, calls WriteTo again to check nothing is left; if the response
// has already arrived and closed the body (easy on loopback), that "error"
// makes the transport close the connection while the response is being read:
// "use of closed network connection" on a successful call
// (aws/aws-sdk-go-v2#2737). Hiding WriteTo makes that check read io.EOF
// normally.
package sdkhttp

import (
	"io"
	"net/http"
	"time"
)

// Client returns an http.Client for SDK clients talking to a local server.
func Client() *http.Client {
	base := http.DefaultTransport.(*http.Transport).Clone()
	base.MaxIdleConns = 256
	base.MaxIdleConnsPerHost = 256
	return &http.Client{Transport: transport{base}, Timeout: 5 * time.Minute}
}

type transport struct{ base http.RoundTripper }

func (t transport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil && r.Body != http.NoBody {
		r2 := *r
		r2.Body = readCloser{r.Body}
		r = &r2
	}
	return t.base.RoundTrip(r)
}

// readCloser exposes only Read and Close, never WriteTo.
type readCloser struct{ io.ReadCloser }
