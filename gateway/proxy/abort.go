package proxy

import (
	"context"
	"net/http"
)

// UpstreamAborter is implemented by a ResponseWriter that may have to end
// a response before the upstream does: the gateway's stream guard, which
// ends WebSocket and SSE streams with the session (issue 13 §3).
//
// Forward hands it a function that aborts the upstream leg of the
// exchange, before the final response head is written, and takes it back
// (SetUpstreamAbort(nil)) before that leg's connection can carry another
// request, so a late call can never reach someone else's exchange. The
// function may be called from any goroutine, at most while it is set, and
// must not block. Calling it makes Forward return; the status is sent by
// then, so the response ends as any broken stream does (the connection is
// dropped; http.ErrAbortHandler).
//
// It replaces a cancelable context per request (issue 14): on the fast
// leg the function is the upstream connection's own, made once when it
// was dialed; only the httputil leg (upgrades, large or chunked bodies)
// pays for a context.
type UpstreamAborter interface {
	SetUpstreamAbort(abort func())
}

// withAbort gives w, if it is an UpstreamAborter, the cancel function of
// a context derived from r's, and returns the request to forward on the
// httputil leg and the function that takes the abort back and releases
// the context. Without an aborter, r is returned as it is.
func withAbort(w http.ResponseWriter, r *http.Request) (*http.Request, func()) {
	a, ok := w.(UpstreamAborter)
	if !ok {
		return r, func() {}
	}
	ctx, cancel := context.WithCancel(r.Context())
	a.SetUpstreamAbort(cancel)
	return r.WithContext(ctx), func() {
		a.SetUpstreamAbort(nil)
		cancel()
	}
}
