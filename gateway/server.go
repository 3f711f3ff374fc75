package gateway

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/authgate/gatewayd/authcore"
	"github.com/authgate/gatewayd/gateway/metrics"
	"github.com/authgate/gatewayd/gateway/proxy"
	"github.com/authgate/gatewayd/internal/fielderr"
)

// AuthService is the behaviour the /auth API needs from authcore.Service.
// Declaring it here keeps the server dependent on behaviour, not on the
// concrete type, so a test can inject a service that fails on purpose.
type AuthService interface {
	Register(ctx context.Context, email, password string, meta authcore.ClientMeta) (*authcore.Session, error)
	Login(ctx context.Context, email, password string, meta authcore.ClientMeta) (*authcore.Session, error)
	Refresh(ctx context.Context, refreshToken string, meta authcore.ClientMeta) (*authcore.Session, error)
	Logout(ctx context.Context, refreshToken string) error
	LogoutAll(ctx context.Context, userID string) error
	Me(ctx context.Context, userID string) (*authcore.User, error)
}

// TokenVerifier checks access tokens (*authcore.AccessTokens implements it).
// Failures are *authcore.TokenError, which matches authcore.ErrInvalidToken.
type TokenVerifier interface {
	Verify(token string) (*authcore.Identity, error)
}

// DefaultAuthBodyLimit caps /auth request bodies: credentials and refresh
// tokens are tiny, so anything bigger is a mistake or an attack.
const DefaultAuthBodyLimit int64 = 64 << 10

// Options carries every dependency of a Server; NewServer reads nothing from
// the environment.
type Options struct {
	// Logger receives server-side errors (5xx, panics). Required: the
	// gateway never logs through a global.
	Logger *slog.Logger
	// Auth implements the /auth use cases. Required.
	Auth AuthService
	// Tokens verifies bearer access tokens. Required.
	Tokens TokenVerifier
	// TrustedProxies are the networks whose X-Forwarded-For is believed.
	// Empty means the socket peer is always the client.
	TrustedProxies []netip.Prefix
	// CORS is the cross-origin policy; the zero value allows no origin.
	CORS CORSOptions
	// AuthBodyLimit caps /auth request bodies in bytes (0 → 64 KiB).
	AuthBodyLimit int64
	// DocsEnabled serves the OpenAPI document at /openapi.json and the
	// Swagger UI at /docs. Off by default: public deployments need not
	// advertise their API. Off or on, those paths are never proxied.
	DocsEnabled bool
	// Ready is one more required readiness check, reported as a whole
	// rather than by name; prefer ReadyChecks. Nil adds nothing.
	Ready func(ctx context.Context) error
	// ReadyChecks are the dependencies /readyz probes, each reported by
	// name ("database": "ok"). None (and no Ready) means always ready.
	ReadyChecks []ReadyCheck
	// Metrics receives request, upstream and token-rejection metrics
	// (gateway/metrics). Nil records nothing.
	Metrics *metrics.Metrics
	// Limiter enforces the per-IP limits on /auth/login, /auth/register and
	// /auth/refresh and each route's rate_limit (*ratelimit.Limiter). Nil
	// disables them, which only tests of unrelated behaviour should want.
	Limiter RateLimiter
	// Proxy is the route table and a forwarder per route for every path
	// the gateway does not own (gateway/proxy). The zero value routes
	// nothing: such requests get 404 route_not_found.
	Proxy ProxyOptions
	// Assertion signs an identity assertion onto every proxied request
	// with an identity and serves the JWKS (assertion.go). The zero value
	// turns both off.
	Assertion AssertionOptions
	// Streams ends WebSocket and SSE streams with the session: at token
	// expiry (plus Leeway) and on revocation (issue 13 §3).
	Streams StreamOptions
	// Now is the clock used for token lifetimes and rate-limit headers
	// (nil → time.Now), injectable so tests never sleep.
	Now func() time.Time
}

// Server is the gateway's HTTP handler together with its dependencies.
// Build it with NewServer; it is safe for concurrent use.
type Server struct {
	echo      *echo.Echo
	log       *slog.Logger
	auth      AuthService
	tokens    TokenVerifier
	cors      *corsPolicy
	i18n      *localizer
	ipOf      echo.IPExtractor
	bodyLimit int64
	docs      bool
	ready     func(ctx context.Context) error
	limiter   RateLimiter
	now       func() time.Time
	// Operations: readiness checks, the drain flag, metrics, and the fixed
	// names of gateway endpoints for logs and metrics.
	checks   []ReadyCheck
	draining atomic.Bool
	// inflight counts requests inside observe; cut is set when the grace
	// period ran out and their connections are about to be closed
	// (drain.go).
	inflight  atomic.Int64
	cut       atomic.Bool
	metrics   *metrics.Metrics
	endpoints map[string]string
	// owned lists the exact paths registered with Echo's router; together
	// with the /auth prefix they are the paths the gateway answers itself.
	owned ownedPaths
	// unrouted handles every request for a path the gateway does not own,
	// with the canonical request dispatch computed.
	unrouted func(echo.Context, proxy.CanonicalRequest) error
	// routing is the proxy's route table, forwarders and header policy.
	routing proxyTable
	// untrustedWarn rate-limits forward-auth's untrusted-peer warning.
	untrustedWarn warnLimiter
	// assert signs identity assertions per route (assertion.go).
	assert assertionTable
	// streams ends long-lived streams with the session.
	streams StreamOptions
	// chain is the middleware chain every request runs, composed once
	// (routes.go); exchanges is the pool of per-request state (exchange.go).
	chain     echo.HandlerFunc
	exchanges exchangePool
}

// Validate reports every problem with the options that come from
// configuration, as joined *fielderr.Error values naming the field
// ("AuthBodyLimit", "CORS.AllowedOrigins[0]"). Zero values take the
// defaults documented on Options. NewServer refuses what Validate
// refuses, and checks the dependencies as well.
func (opts Options) Validate() error {
	var errs []error
	if opts.AuthBodyLimit < 0 {
		errs = append(errs, fielderr.New("AuthBodyLimit", "must not be negative (0 means %d)", DefaultAuthBodyLimit))
	}
	errs = append(errs, fielderr.Prefix("CORS", opts.CORS.Validate()))
	return errors.Join(errs...)
}

// NewServer validates opts and builds the Echo instance with all routes and
// middleware. It fails on a missing dependency rather than at first request.
func NewServer(opts Options) (*Server, error) {
	var problems []error
	if opts.Logger == nil {
		problems = append(problems, errors.New("missing Logger"))
	}
	if opts.Auth == nil {
		problems = append(problems, errors.New("missing Auth service"))
	}
	if opts.Tokens == nil {
		problems = append(problems, errors.New("missing Tokens verifier"))
	}
	if err := opts.Validate(); err != nil {
		problems = append(problems, err)
	}
	ipOf, err := newIPExtractor(opts.TrustedProxies)
	if err != nil {
		problems = append(problems, err)
	}
	cors := newCORSPolicy(opts.CORS)
	if err := validateChecks(opts.ReadyChecks); err != nil {
		problems = append(problems, err)
	}
	routing := newProxyTable(opts.Proxy, opts.TrustedProxies)
	assert, err := newAssertionTable(opts.Assertion, opts.Proxy.Router, routing.headers.Names().Assertion)
	if err != nil {
		problems = append(problems, err)
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("gateway: invalid options: %w", errors.Join(problems...))
	}

	s := &Server{
		log:       opts.Logger,
		auth:      opts.Auth,
		tokens:    opts.Tokens,
		cors:      cors,
		i18n:      newLocalizer(),
		ipOf:      ipOf,
		bodyLimit: opts.AuthBodyLimit,
		docs:      opts.DocsEnabled,
		ready:     opts.Ready,
		limiter:   opts.Limiter,
		now:       opts.Now,
		checks:    opts.ReadyChecks,
		metrics:   opts.Metrics,
		streams:   opts.Streams,
	}
	if s.bodyLimit == 0 {
		s.bodyLimit = DefaultAuthBodyLimit
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.routing = routing
	s.assert = assert

	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.Logger.SetOutput(echoLogWriter{log: s.log})
	// SECURITY: Echo v4 without an explicit IPExtractor believes the first
	// X-Forwarded-For / X-Real-IP value from anyone, so any client could
	// pick its own IP for rate limits and session records.
	e.IPExtractor = ipOf
	e.HTTPErrorHandler = s.handleError
	s.echo = e
	s.routes(e)
	s.owned = newOwnedPaths(e.Routes())
	s.endpoints = endpointNames(e.Routes())
	return s, nil
}

// Handler returns the root handler (Server.ServeHTTP, exchange.go). cmd
// wraps it in an http.Server, which owns listening and timeouts; tests
// wrap it in httptest.
func (s *Server) Handler() http.Handler { return s }

// ClientIP returns the client address for r as the gateway sees it: the
// socket peer, or — only when the peer is a trusted proxy — the right-most
// X-Forwarded-For hop that is not itself trusted. The proxy and the rate
// limiter use it so that every component agrees on who the client is.
func (s *Server) ClientIP(r *http.Request) string { return s.ipOf(r) }

// echoLogWriter sends Echo's few internal log lines (e.g. "response already
// committed") to the server's slog logger instead of stdout.
type echoLogWriter struct{ log *slog.Logger }

func (w echoLogWriter) Write(p []byte) (int, error) {
	w.log.Warn("echo", slog.String("message", string(p)))
	return len(p), nil
}
