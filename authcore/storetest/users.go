package storetest

import (
	"slices"
	"testing"

	"github.com/authgate/gatewayd/authcore"
)

func userCases() []testCase {
	return []testCase{
		{"CreateAndGetUser", testCreateAndGetUser},
		{"DuplicateEmailIsErrEmailTaken", testDuplicateEmail},
		{"MissingUserIsErrNotFound", testMissingUser},
		{"MalformedIDIsErrNotFound", testMalformedID},
		{"ListUsersOrderedByCreation", testListUsers},
		{"UpdateUser", testUpdateUser},
		{"RolesRoundTrip", testRolesRoundTrip},
		{"EmailStoredLiterally", testEmailStoredLiterally},
	}
}

func testCreateAndGetUser(t *testing.T, s authcore.Store) {
	u := createUser(t, s, "ada@example.com", "admin")
	if u.CreatedAt.IsZero() || u.UpdatedAt.IsZero() {
		t.Fatalf("CreateUser left CreatedAt=%v UpdatedAt=%v, want both set", u.CreatedAt, u.UpdatedAt)
	}
	byID, err := s.UserByID(t.Context(), u.ID)
	if err != nil {
		t.Fatalf("UserByID: %v", err)
	}
	byEmail, err := s.UserByEmail(t.Context(), u.Email)
	if err != nil {
		t.Fatalf("UserByEmail: %v", err)
	}
	for name, got := range map[string]*authcore.User{"UserByID": byID, "UserByEmail": byEmail} {
		t.Run(name, func(t *testing.T) {
			if got.ID != u.ID || got.Email != u.Email || got.PasswordHash != u.PasswordHash ||
				got.Disabled != u.Disabled || !slices.Equal(got.Roles, u.Roles) {
				t.Errorf("got %+v, want %+v", got, u)
			}
			// What CreateUser reported must be exactly what was stored:
			// microsecond precision, UTC.
			sameInstantUTC(t, "CreatedAt", got.CreatedAt, u.CreatedAt)
			sameInstantUTC(t, "UpdatedAt", got.UpdatedAt, u.UpdatedAt)
		})
	}
}

func testDuplicateEmail(t *testing.T, s authcore.Store) {
	first := createUser(t, s, "dup@example.com")
	err := s.CreateUser(t.Context(), &authcore.User{ID: newID(t), Email: "dup@example.com", PasswordHash: "x"})
	requireIs(t, err, authcore.ErrEmailTaken, "CreateUser with a taken email")
	got, err := s.UserByEmail(t.Context(), "dup@example.com")
	if err != nil || got.ID != first.ID {
		t.Fatalf("after the duplicate, UserByEmail = %+v, %v; want the first user", got, err)
	}
}

func testMissingUser(t *testing.T, s authcore.Store) {
	createUser(t, s, "someone@example.com")
	u, err := s.UserByID(t.Context(), newID(t))
	requireIs(t, err, authcore.ErrNotFound, "UserByID(unknown)")
	if u != nil {
		t.Errorf("UserByID(unknown) returned a user with the error: %+v", u)
	}
	u, err = s.UserByEmail(t.Context(), "nobody@example.com")
	requireIs(t, err, authcore.ErrNotFound, "UserByEmail(unknown)")
	if u != nil {
		t.Errorf("UserByEmail(unknown) returned a user with the error: %+v", u)
	}
	id := newID(t)
	requireIs(t, s.UpdatePasswordHash(t.Context(), id, "h"), authcore.ErrNotFound, "UpdatePasswordHash(unknown)")
	requireIs(t, s.SetDisabled(t.Context(), id, true), authcore.ErrNotFound, "SetDisabled(unknown)")
	requireIs(t, s.SetRoles(t.Context(), id, []string{"x"}), authcore.ErrNotFound, "SetRoles(unknown)")
}

func testMalformedID(t *testing.T, s authcore.Store) {
	createUser(t, s, "someone@example.com")
	for _, id := range []string{"", "not-a-uuid", "123", "'; DROP TABLE users; --", "00000000-0000-0000-0000-00000000000g"} {
		t.Run(id, func(t *testing.T) {
			u, err := s.UserByID(t.Context(), id)
			requireIs(t, err, authcore.ErrNotFound, "UserByID")
			if u != nil {
				t.Errorf("UserByID returned a user with the error: %+v", u)
			}
			requireIs(t, s.SetDisabled(t.Context(), id, true), authcore.ErrNotFound, "SetDisabled")
		})
	}
	if users, err := s.ListUsers(t.Context()); err != nil || len(users) != 1 {
		t.Fatalf("after malformed ids, ListUsers = %d users, %v; want 1", len(users), err)
	}
}

func testListUsers(t *testing.T, s authcore.Store) {
	users, err := s.ListUsers(t.Context())
	if err != nil || len(users) != 0 {
		t.Fatalf("ListUsers on an empty store = %v, %v; want none", users, err)
	}
	want := []string{"c@example.com", "a@example.com", "b@example.com"}
	for _, email := range want {
		createUser(t, s, email)
	}
	users, err = s.ListUsers(t.Context())
	if err != nil {
		t.Fatalf("ListUsers: %v", err)
	}
	var got []string
	for _, u := range users {
		got = append(got, u.Email)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("ListUsers order = %v, want creation order %v", got, want)
	}
}

func testUpdateUser(t *testing.T, s authcore.Store) {
	u := createUser(t, s, "upd@example.com", "user")
	ctx := t.Context()
	if err := s.SetRoles(ctx, u.ID, []string{"admin", "ops"}); err != nil {
		t.Fatalf("SetRoles: %v", err)
	}
	if err := s.SetDisabled(ctx, u.ID, true); err != nil {
		t.Fatalf("SetDisabled(true): %v", err)
	}
	if err := s.UpdatePasswordHash(ctx, u.ID, "$argon2id$new"); err != nil {
		t.Fatalf("UpdatePasswordHash: %v", err)
	}
	got, err := s.UserByID(ctx, u.ID)
	if err != nil {
		t.Fatalf("UserByID: %v", err)
	}
	if !slices.Equal(got.Roles, []string{"admin", "ops"}) || !got.Disabled || got.PasswordHash != "$argon2id$new" {
		t.Fatalf("after updates got roles=%v disabled=%v hash=%q", got.Roles, got.Disabled, got.PasswordHash)
	}
	if got.Email != u.Email || !got.CreatedAt.Equal(u.CreatedAt) {
		t.Errorf("updates changed email or created_at: %+v", got)
	}
	if got.UpdatedAt.Before(got.CreatedAt) {
		t.Errorf("UpdatedAt %v before CreatedAt %v", got.UpdatedAt, got.CreatedAt)
	}
	if err := s.SetDisabled(ctx, u.ID, false); err != nil {
		t.Fatalf("SetDisabled(false): %v", err)
	}
	if got, err := s.UserByID(ctx, u.ID); err != nil || got.Disabled {
		t.Fatalf("after re-enabling: %+v, %v", got, err)
	}
}

func testRolesRoundTrip(t *testing.T, s authcore.Store) {
	tests := []struct {
		name  string
		roles []string
	}{
		{"nil", nil},
		{"empty", []string{}},
		{"one", []string{"admin"}},
		{"several in order", []string{"zeta", "alpha", "mid"}},
		{"awkward characters", []string{"a,b", `quo"te`, "back\\slash", "{brace}", "with space", "ünïcödé", "NULL", ""}},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			u := createUser(t, s, "roles"+string(rune('a'+i))+"@example.com", tc.roles...)
			check := func(when string, want []string) {
				t.Helper()
				got, err := s.UserByID(t.Context(), u.ID)
				if err != nil {
					t.Fatalf("%s: UserByID: %v", when, err)
				}
				// nil and empty both mean "no roles".
				if len(got.Roles) != len(want) || (len(want) > 0 && !slices.Equal(got.Roles, want)) {
					t.Errorf("%s: roles = %q, want %q", when, got.Roles, want)
				}
			}
			check("after create", tc.roles)
			if err := s.SetRoles(t.Context(), u.ID, []string{"tmp"}); err != nil {
				t.Fatalf("SetRoles(tmp): %v", err)
			}
			if err := s.SetRoles(t.Context(), u.ID, tc.roles); err != nil {
				t.Fatalf("SetRoles: %v", err)
			}
			check("after SetRoles", tc.roles)
		})
	}
}

// testEmailStoredLiterally guards against SQL built from values: an email
// full of SQL syntax must be stored and found as plain text.
func testEmailStoredLiterally(t *testing.T, s authcore.Store) {
	other := createUser(t, s, "bystander@example.com")
	for _, email := range []string{
		`x'); DROP TABLE users;--@e.com`,
		`a' OR '1'='1@e.com`,
		`"quoted"@e.com`,
		`semi;colon\back@e.com`,
	} {
		t.Run(email, func(t *testing.T) {
			u := createUser(t, s, email)
			got, err := s.UserByEmail(t.Context(), email)
			if err != nil || got.ID != u.ID || got.Email != email {
				t.Fatalf("UserByEmail(%q) = %+v, %v", email, got, err)
			}
		})
	}
	_, err := s.UserByEmail(t.Context(), `' OR '1'='1`)
	requireIs(t, err, authcore.ErrNotFound, "UserByEmail(injection attempt)")
	if got, err := s.UserByID(t.Context(), other.ID); err != nil || got.Email != other.Email {
		t.Fatalf("bystander after injection-looking emails = %+v, %v", got, err)
	}
}
