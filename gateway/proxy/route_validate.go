package proxy

import (
	"errors"
	"fmt"
	"regexp"

	"github.com/authgate/gatewayd/authcore"
	"github.com/authgate/gatewayd/internal/fielderr"
)

// routeNameRe is the route-name alphabet. The name becomes a rate-limit
// policy ("route:<name>"), a metrics label and a log field, so it is kept
// to characters that are safe in all three.
var routeNameRe = regexp.MustCompile(`^[a-z0-9_-]+$`)

// Validate reports every problem with r as joined *fielderr.Error values
// naming the field ("PathPrefix", "Upstreams[1]", "Roles[0]"). It is the
// whole rule for a configured route (issue 10: config asks, it does not
// restate): what the router needs (NewRouter checks those too), plus the
// name's alphabet, the upstream URLs a Forwarder
// needs, and roles only on routes that require a token. Overlaps between
// routes are NewRouter's, since they concern the table, not one route.
func (r *Route) Validate() error {
	_, err := validateRoute(r)
	errs := []error{err}
	if r.Name != "" && !routeNameRe.MatchString(r.Name) {
		errs = append(errs, fielderr.New("Name", "%q may contain only a-z, 0-9, _ and -", r.Name))
	}
	if len(r.Upstreams) == 0 {
		errs = append(errs, fielderr.New("Upstreams", "at least one upstream is required"))
	}
	for i, u := range r.Upstreams {
		field := fmt.Sprintf("Upstreams[%d]", i)
		switch {
		case u == nil:
			errs = append(errs, fielderr.New(field, "is not a valid URL"))
		case u.Scheme != "http" && u.Scheme != "https":
			errs = append(errs, fielderr.New(field, "%q must be an absolute http:// or https:// URL", u.Redacted()))
		case u.Hostname() == "":
			errs = append(errs, fielderr.New(field, "%q has no host", u.Redacted()))
		case u.Fragment != "" || u.RawQuery != "" || u.ForceQuery:
			errs = append(errs, fielderr.New(field, "%q must not have a query or fragment", u.Redacted()))
		}
	}
	if r.StreamMaxLifetime < 0 && r.StreamMaxLifetime != NoStreamLimit {
		errs = append(errs, fielderr.New("StreamMaxLifetime", "%s is negative (NoStreamLimit is the only negative value)", r.StreamMaxLifetime))
	}
	// Roles can only be checked against a verified identity; with
	// optional or public auth an anonymous request would skip them, which
	// is almost certainly not what the operator meant.
	if len(r.Roles) > 0 && r.Auth != AuthRequired {
		errs = append(errs, fielderr.New("Roles", "need auth: required (anonymous requests have no roles to check)"))
	}
	for i, role := range r.Roles {
		if !authcore.ValidRole(role) {
			errs = append(errs, fielderr.New(fmt.Sprintf("Roles[%d]", i), "%q is not a valid role name (%s)", role, authcore.RoleAlphabet))
		}
	}
	return errors.Join(errs...)
}
