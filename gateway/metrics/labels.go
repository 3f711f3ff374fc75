package metrics

import (
	"net/http"
	"strconv"
)

// Unmatched is the route label of requests that matched neither a gateway
// endpoint nor a configured route. Using one fixed value instead of the
// path is what keeps a scan of random URLs from creating random series.
const Unmatched = "unmatched"

// maxRouteLabel bounds a route label. Route names are validated by config
// (a-z, 0-9, _ and -), so a longer value can only be a wiring bug, and
// clamping it costs less than a series per bug.
const maxRouteLabel = 64

// routeLabel returns name if it looks like a route name, Unmatched
// otherwise. The gateway passes only configured or fixed names; this check
// makes "never a raw path" hold even if a caller slips.
func routeLabel(name string) string { return nameLabel(name, Unmatched) }

// nameLabel returns name if it is a short identifier (letters, digits, _ -
// and :), fallback otherwise.
func nameLabel(name, fallback string) string {
	if name == "" || len(name) > maxRouteLabel {
		return fallback
	}
	for i := 0; i < len(name); i++ {
		switch b := name[i]; {
		case 'a' <= b && b <= 'z', 'A' <= b && b <= 'Z', '0' <= b && b <= '9', b == '_', b == '-', b == ':':
		default:
			return fallback
		}
	}
	return name
}

// MethodClass folds a request method into one of the eight labels
// GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS or "other". Methods are
// client-chosen tokens, so they cannot be labels as they are.
func MethodClass(method string) string {
	switch method {
	case http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodHead, http.MethodOptions:
		return method
	default:
		return "other"
	}
}

// statusCodes holds the label strings of every valid status, built once so
// recording a request does not format an integer.
var statusCodes = func() [600]string {
	var out [600]string
	for i := 100; i < len(out); i++ {
		out[i] = strconv.Itoa(i)
	}
	return out
}()

// codeLabel returns the status as a label, or "other" outside 100–599.
func codeLabel(status int) string {
	if status < 100 || status >= len(statusCodes) {
		return "other"
	}
	return statusCodes[status]
}
