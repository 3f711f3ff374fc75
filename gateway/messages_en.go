package gateway

import "github.com/authgate/gatewayd/authcore"

// messagesEN is the English table and the fallback for every other language.
func messagesEN() messages {
	return messages{
		problems: map[string]problemText{
			codeInvalidCredentials:             {"Invalid credentials", "The email address or password is incorrect."},
			codeEmailTaken:                     {"Email already registered", "An account with this email address already exists."},
			codeRegistrationClosed:             {"Registration closed", "Self-service registration is disabled on this server."},
			codeInvalidRefreshToken:            {"Invalid refresh token", "The refresh token is invalid, expired or revoked. Please log in again."},
			codeValidationFailed:               {"Validation failed", "One or more fields are invalid; see the errors list."},
			codeMalformedRequest:               {"Malformed request", "The request body is not a valid JSON object of the expected shape."},
			codePayloadTooLarge:                {"Payload too large", "The request body exceeds the allowed size."},
			codeUnsupportedMediaType:           {"Unsupported media type", "The request body must be sent with Content-Type: application/json."},
			codeInvalidToken:                   {"Invalid access token", "A valid access token is required: it is missing, malformed, expired or otherwise invalid."},
			codeInsufficientRole:               {"Insufficient role", "Your account does not have a role that grants access to this resource."},
			codeServerBusy:                     {"Server busy", "The server is temporarily overloaded. Please try again shortly."},
			codeRateLimited:                    {"Too many requests", "The rate limit has been exceeded. Please wait before retrying."},
			codeNotFound:                       {"Not found", "The requested resource does not exist."},
			codeMethodNotAllowed:               {"Method not allowed", "This resource does not support the request method."},
			codeRouteNotFound:                  {"No matching route", "No route is configured for this request."},
			codeUpstreamUnavailable:            {"Upstream unavailable", "The upstream service could not be reached."},
			codeUpstreamTimeout:                {"Upstream timeout", "The upstream service did not respond in time."},
			codeNotReady:                       {"Not ready", "The service is not ready to handle requests yet."},
			codeInternalError:                  {"Internal error", "An unexpected error occurred. Please quote the request ID when reporting it."},
			codeInvalidPath:                    {"Invalid path", "The request path uses a spelling the gateway refuses to interpret: a ';' parameter, an encoded slash or backslash, double encoding, a control character or invalid UTF-8."},
			codeForwardAuthDescriptionMissing:  {"Original request not described", "Forward-auth needs the original request from a trusted proxy: X-Forwarded-Method, X-Forwarded-Host and X-Forwarded-Uri (Traefik, Caddy), or X-Original-Method, X-Original-URL and X-Forwarded-Host (nginx)."},
			codeForwardAuthDescriptionConflict: {"Original request descriptions disagree", "The X-Original-* and X-Forwarded-* headers describe different requests."},
			codeServiceUnavailable:             {"Service unavailable", "The service is temporarily unavailable. Please try again in a few seconds."},
		},
		fields: map[string]string{
			authcore.CodeInvalidEmail:     "Enter a valid email address.",
			authcore.CodeEmailTooLong:     "The email address must not exceed 254 characters.",
			authcore.CodePasswordTooShort: "The password is too short.",
			authcore.CodePasswordTooLong:  "The password is too long.",
			authcore.CodeInvalidRole:      "This role name is invalid.",
			fieldUnknown:                  "This field is not recognized.",
			fieldWrongType:                "This field has the wrong type.",
			fieldInvalid:                  "This value is invalid.",
		},
	}
}
