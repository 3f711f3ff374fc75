package authcore

import "slices"

// MaxRoleLength bounds one role name.
const MaxRoleLength = 64

// RoleAlphabet describes what ValidRole accepts, for error messages.
const RoleAlphabet = "1 to 64 ASCII letters, digits, '_', '-', '.' or ':'"

// CodeInvalidRole is the field code for a role name ValidateRoles refuses.
const CodeInvalidRole = "invalid_role"

// ValidRole reports whether name may be used as a role: 1 to 64 ASCII
// letters, digits, '_', '-', '.' or ':'.
//
// Security: roles travel to upstreams in one comma-separated header and in
// the JWT. A comma would let one role read as two ("user,admin"), and
// spaces, quotes or control characters invite header injection and
// parsing differences between upstreams, so the alphabet is closed.
func ValidRole(name string) bool {
	if len(name) == 0 || len(name) > MaxRoleLength {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case c == '_', c == '-', c == '.', c == ':':
		default:
			return false
		}
	}
	return true
}

// ValidateRoles checks every role with ValidRole. The error is a
// *ValidationError with one "roles"/"invalid_role" entry. Config
// validation should run it over the default roles too.
func ValidateRoles(roles []string) error {
	for _, r := range roles {
		if !ValidRole(r) {
			return &ValidationError{Fields: []FieldError{{Field: "roles", Code: CodeInvalidRole}}}
		}
	}
	return nil
}

// dedupe returns roles without repeats, keeping first occurrences in
// order, never nil (so stores write [] rather than NULL).
func dedupe(roles []string) []string {
	out := make([]string, 0, len(roles))
	for _, r := range roles {
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}
