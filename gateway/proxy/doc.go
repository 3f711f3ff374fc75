// Package proxy is the gateway's data plane at the net/http level: the route
// table, identity-header hygiene and the reverse proxy that forwards a
// request to its upstream.
//
// It deliberately knows nothing about tokens or users. The gateway runs the
// pipeline
//
//	Strip identity headers → Match route → check JWT per route policy →
//	check roles → rate limit → Inject identity → Forward
//
// and this package supplies the pieces that do not need authentication:
// Router, HeaderPolicy and Forwarder. Keeping auth out of the proxy's
// rewrite step (the lesson from ory/oathkeeper) means a request is either
// fully authorized before Forward is called, or it is never forwarded.
//
// Everything expensive (host maps, prefix tables, the header namespace, the
// httputil.ReverseProxy, the connection pools) is built once at
// construction, so the per-request path costs microseconds.
//
// # Two upstream legs, one request shape
//
// Plain HTTP/1.1 requests with a known body of at most 64 KiB go to http
// upstreams over fasthttp's connection pool, synchronously on the
// handler's goroutine (fastleg.go, issue 14); everything else (upgrades,
// Expect, TE, chunked or larger bodies, https upstreams) goes through
// httputil.ReverseProxy and net/http's Transport. Both legs send a request
// shaped by the same code (hop-by-hop removal, rewrite, the outbound hook),
// and a differential test holds them to the same bytes at the upstream and
// the same response at the client. The client side is net/http either way.
//
// # Paths
//
// One function owns the request path: Canonicalize, called once per
// request by the gateway (issue 9). Its result decides everything (which
// paths the gateway owns, Router.Resolve, roles, rate-limit keys,
// forward-auth), and Forward sends exactly its Path, re-escaped minimally
// by net/url; Forward refuses a path that is not already canonical rather
// than cleaning it a second time. Strict by default: the spellings that
// server families read differently (';' parameters, "%2F" and "%5C" in a
// segment, a backslash, double encoding, NUL and control characters,
// invalid or overlong UTF-8) are refused with ErrInvalidPath. A route may
// opt in to ';' parameters (AllowPathParams, matched and forwarded the
// Tomcat way) and to case-insensitive matching (CaseInsensitive, for IIS).
// SECURITY.md has the table.
//
// # Headers that re-route a request
//
// Some upstreams act on a header rather than on the request line
// (X-Original-URL at IIS and old Symfony, X-HTTP-Method-Override in many
// frameworks, True-Client-IP, ...). RerouteHeaders is the one table of
// them; Forward removes each in any case or '_' spelling, from every peer,
// and then sets its own X-Forwarded-For/-Proto/-Host/-Port and Forwarded.
// The identity namespace and this table share one matcher (nameSet).
package proxy
