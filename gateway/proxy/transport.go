package proxy

import (
	"cmp"
	"crypto/tls"
	"net"
	"net/http"
	"time"
)

// TransportOptions tunes the upstream connection pool. Zero fields take
// the defaults in parentheses, which match the config defaults.
type TransportOptions struct {
	// DialTimeout bounds connecting to an upstream (5s).
	DialTimeout time.Duration
	// KeepAlive is the TCP keep-alive probe interval (30s).
	KeepAlive time.Duration
	// TLSHandshakeTimeout bounds the TLS handshake with an https upstream
	// (5s).
	TLSHandshakeTimeout time.Duration
	// ResponseHeaderTimeout bounds the wait for response headers after the
	// request is written, for every route (30s). Route.Timeout can be
	// shorter per route.
	ResponseHeaderTimeout time.Duration
	// IdleConnTimeout closes pooled connections idle this long (90s).
	IdleConnTimeout time.Duration
	// ExpectContinueTimeout is how long to wait for "100 Continue" before
	// sending the body anyway (1s).
	ExpectContinueTimeout time.Duration
	// MaxIdleConns bounds idle connections across all upstreams (512).
	MaxIdleConns int
	// MaxIdleConnsPerHost bounds idle connections per upstream (128). The
	// net/http default of 2 would close and re-dial connections under any
	// real concurrency; 128 keeps keep-alive working for 64+ concurrent
	// clients.
	MaxIdleConnsPerHost int
	// TLSClientConfig is used for https upstreams (nil: system roots).
	TLSClientConfig *tls.Config
}

// NewTransport builds the transport every Forwarder shares.
//
// Security and robustness: never http.DefaultTransport. It has no
// response-header timeout (a stuck upstream would hold gateway goroutines
// forever), keeps only 2 idle connections per host, honours HTTP_PROXY from
// the environment (upstream traffic, identity headers included, could be
// routed through a proxy nobody configured), and is shared mutable state
// any imported package can change.
func NewTransport(opts TransportOptions) *http.Transport {
	d := DefaultTransportOptions()
	dialer := &net.Dialer{
		Timeout:   cmp.Or(opts.DialTimeout, d.DialTimeout),
		KeepAlive: cmp.Or(opts.KeepAlive, d.KeepAlive),
	}
	return &http.Transport{
		Proxy:                 nil, // never from the environment; see above
		DialContext:           dialer.DialContext,
		TLSClientConfig:       opts.TLSClientConfig,
		TLSHandshakeTimeout:   cmp.Or(opts.TLSHandshakeTimeout, d.TLSHandshakeTimeout),
		ResponseHeaderTimeout: cmp.Or(opts.ResponseHeaderTimeout, d.ResponseHeaderTimeout),
		IdleConnTimeout:       cmp.Or(opts.IdleConnTimeout, d.IdleConnTimeout),
		ExpectContinueTimeout: cmp.Or(opts.ExpectContinueTimeout, d.ExpectContinueTimeout),
		MaxIdleConns:          cmp.Or(opts.MaxIdleConns, d.MaxIdleConns),
		MaxIdleConnsPerHost:   cmp.Or(opts.MaxIdleConnsPerHost, d.MaxIdleConnsPerHost),
		ForceAttemptHTTP2:     true,
		// A proxy must not negotiate compression on the client's behalf:
		// with compression enabled the transport would add
		// "Accept-Encoding: gzip" and transparently decompress, changing
		// the body and dropping Content-Length. The client's own
		// Accept-Encoding is forwarded untouched instead.
		DisableCompression: true,
	}
}
