// Package storetest is the one contract suite every authcore.Store must
// pass, unchanged, against a real database.
//
// The Service's security rests on store behaviour that types cannot express:
// a missing row is ErrNotFound and never (nil, nil), a duplicate email is
// ErrEmailTaken, exactly one of N concurrent rotations of a refresh token
// wins, and a replayed token revokes the whole family in a transaction that
// commits. Writing those rules down once, as tests, is what keeps the
// Postgres and SQLite stores interchangeable.
//
// Stores call Run from their own tests with a constructor that returns a
// fresh, migrated, empty store for each subtest. A store must also satisfy
// TokenReader so the suite can see what rotation recorded.
package storetest
