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
// httputil.ReverseProxy) is built once at construction, so the per-request
// path costs microseconds.
//
// # Paths
//
// The gateway matches and forwards the same path: the one returned by
// CleanPath. Forward re-applies CleanPath itself, so "/public/../admin" can
// never be authorized as /public and reach the upstream as /admin. The path
// is matched in decoded form; an encoded slash ("%2F") is therefore treated
// as a real "/" both for matching and on the wire (the forwarded path is the
// cleaned, decoded path re-escaped by net/url, so "%2F" arrives as "/"). An
// upstream never sees a path structure other than the one that was
// authorized, at the cost of not supporting "%2F" inside a path segment.
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
