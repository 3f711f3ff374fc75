package authcore_test

import (
	"strings"
	"testing"

	"github.com/authgate/gatewayd/authcore"
)

func TestNormalizeEmail(t *testing.T) {
	tests := []struct {
		in, want, code string
	}{
		{in: "bob@example.com", want: "bob@example.com"},
		{in: "  Bob@Example.COM \n", want: "bob@example.com"},
		{in: "first.last+tag@sub.example.org", want: "first.last+tag@sub.example.org"},
		{in: "user@localhost", want: "user@localhost"},
		{in: "", code: "invalid_email"},
		{in: "   ", code: "invalid_email"},
		{in: "bob", code: "invalid_email"},
		{in: "bob@", code: "invalid_email"},
		{in: "@example.com", code: "invalid_email"},
		{in: "bob@@example.com", code: "invalid_email"},
		{in: "Bob <bob@example.com>", code: "invalid_email"},
		{in: "<bob@example.com>", code: "invalid_email"},
		{in: "bob@example.com (Bob)", code: "invalid_email"},
		{in: "bob smith@example.com", code: "invalid_email"},
		{in: `"bob smith"@example.com`, code: "invalid_email"},
		{in: "bob@exa mple.com", code: "invalid_email"},
		{in: "bob\r\nX-Injected: 1@example.com", code: "invalid_email"},
		{in: "bob\t@example.com", code: "invalid_email"},
		{in: "a@b.com, c@d.com", code: "invalid_email"},
		{in: strings.Repeat("a", 64) + "@" + strings.Repeat("b", 185) + ".com", want: strings.Repeat("a", 64) + "@" + strings.Repeat("b", 185) + ".com"}, // 254
		{in: strings.Repeat("a", 64) + "@" + strings.Repeat("b", 186) + ".com", code: "email_too_long"},                                                  // 255
		{in: strings.Repeat("a", 10000), code: "email_too_long"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := authcore.NormalizeEmail(tt.in)
			if tt.code == "" {
				if err != nil || got != tt.want {
					t.Fatalf("NormalizeEmail = %q, %v; want %q", got, err, tt.want)
				}
				return
			}
			if got != "" {
				t.Errorf("NormalizeEmail returned %q alongside an error", got)
			}
			codes := validationCodes(t, err)
			if len(codes) != 1 || codes[0] != "email:"+tt.code {
				t.Fatalf("codes = %v, want [email:%s]", codes, tt.code)
			}
		})
	}
}

func TestValidatePassword(t *testing.T) {
	tests := []struct {
		name, pw string
		min      int
		code     string
	}{
		{name: "eight ascii", pw: "abcdefgh", min: 8},
		{name: "seven ascii", pw: "abcdefg", min: 8, code: "password_too_short"},
		{name: "empty", pw: "", min: 8, code: "password_too_short"},
		{name: "zero min means default 8", pw: "abcdefg", min: 0, code: "password_too_short"},
		{name: "higher minimum", pw: "abcdefghij", min: 12, code: "password_too_short"},
		{name: "runes not bytes", pw: "éééééééé", min: 8}, // 8 runes, 16 bytes
		{name: "four runes of 16 bytes", pw: "😀😀😀😀", min: 8, code: "password_too_short"},
		{name: "counted after NFKC", pw: "\ufb01\ufb01\ufb01\ufb01", min: 8}, // ﬁ×4 → "fifififi"
		{name: "decomposed accents count once", pw: "e\u0301e\u0301e\u0301e\u0301", min: 8, code: "password_too_short"},
		{name: "1024 bytes", pw: strings.Repeat("x", 1024), min: 8},
		{name: "1025 bytes", pw: strings.Repeat("x", 1025), min: 8, code: "password_too_long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := authcore.ValidatePassword(tt.pw, tt.min)
			if tt.code == "" {
				if err != nil {
					t.Fatalf("ValidatePassword = %v, want nil", err)
				}
				return
			}
			codes := validationCodes(t, err)
			if len(codes) != 1 || codes[0] != "password:"+tt.code {
				t.Fatalf("codes = %v, want [password:%s]", codes, tt.code)
			}
		})
	}
}

func TestValidRole(t *testing.T) {
	tests := []struct {
		role string
		ok   bool
	}{
		{"admin", true},
		{"team:billing.read-only_2", true},
		{"", false},
		{"user,admin", false},
		{"a b", false},
		{"x\r\ny", false},
		{`"admin"`, false},
		{"rôle", false},
		{strings.Repeat("r", 64), true},
		{strings.Repeat("r", 65), false},
	}
	for _, tt := range tests {
		t.Run(tt.role, func(t *testing.T) {
			if got := authcore.ValidRole(tt.role); got != tt.ok {
				t.Fatalf("ValidRole(%q) = %v, want %v", tt.role, got, tt.ok)
			}
		})
	}
}

func TestIdentityHasAnyRole(t *testing.T) {
	id := &authcore.Identity{Roles: []string{"user", "billing"}}
	none := &authcore.Identity{}
	tests := []struct {
		name     string
		id       *authcore.Identity
		required []string
		want     bool
	}{
		{"empty requirement matches", id, nil, true},
		{"empty requirement matches roleless", none, []string{}, true},
		{"one of several", id, []string{"admin", "billing"}, true},
		{"none held", id, []string{"admin"}, false},
		{"roleless never matches", none, []string{"user"}, false},
		{"case sensitive", id, []string{"User"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.id.HasAnyRole(tt.required); got != tt.want {
				t.Fatalf("HasAnyRole(%v) = %v, want %v", tt.required, got, tt.want)
			}
		})
	}
}
