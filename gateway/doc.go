// Package gateway is the HTTP face of gatewayd: the Echo server, its
// middleware, the /auth API over authcore.Service, and the one place where
// errors become RFC 9457 problem+json responses.
//
// It is the only package that imports Echo, so the framework stays a detail
// of this layer. Every dependency arrives through Options (no globals), every
// endpoint is listed in routes.go, and exactly one function (classify) turns
// an error into a status and a stable, translated error code.
//
// Requests for paths the gateway does not own never reach Echo's router:
// they go to a single fallback handler, the authenticating reverse proxy
// (proxy_handler.go: match → token per route policy → roles → route limit →
// identity headers → gateway/proxy.Forwarder). That keeps 404/405 answers for gateway endpoints exact, and makes it
// impossible for a request that looks like /auth in any spelling to be
// forwarded upstream.
package gateway
