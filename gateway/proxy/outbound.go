package proxy

import (
	"context"
	"fmt"
	"net/http"
)

// OutboundHook finishes one outbound request after Rewrite has shaped it:
// it sees the method, path and headers exactly as the upstream will get
// them. The gateway uses it to add the signed identity assertion (issue
// 13), which must bind the path the upstream receives, and that path is
// only final here (strip_prefix, cleaning).
type OutboundHook interface {
	Outbound(out *http.Request) error
}

type outboundKey struct{}

// WithOutboundHook returns ctx carrying h for the request Forward is about
// to send. The hook travels with the request rather than with the
// Forwarder because it is per request (it holds the caller's identity).
func WithOutboundHook(ctx context.Context, h OutboundHook) context.Context {
	return context.WithValue(ctx, outboundKey{}, h)
}

// runOutboundHook runs the request's hook, if any, on out. If the hook
// fails, the returned request carries a cancelled context, so the
// transport refuses to send it and Forward reports ErrUpstreamUnavailable:
// a request the gateway could not finish must not reach the upstream
// half-dressed (for example without its assertion).
func runOutboundHook(in, out *http.Request) *http.Request {
	h, ok := in.Context().Value(outboundKey{}).(OutboundHook)
	if !ok {
		return out
	}
	if err := h.Outbound(out); err != nil {
		ctx, cancel := context.WithCancelCause(out.Context())
		cancel(fmt.Errorf("proxy: outbound hook: %w", err))
		return out.WithContext(ctx)
	}
	return out
}
