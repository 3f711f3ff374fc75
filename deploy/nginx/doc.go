// Package nginx has no Go code of its own. The directory ships
// gateway-auth-request.conf, the nginx auth_request example for operators
// who keep nginx in front of gatewayd, and README.md, which explains it.
//
// The package's tests run that exact file with a real nginx in front of a
// real gatewayd binary and a recording upstream, so the example cannot rot
// silently: if it stops passing identity or starts letting spoofed headers
// or bad tokens through, `make test` fails.
package nginx
