package authcore

import "time"

// User is an account the gateway manages. PasswordHash holds an argon2id PHC
// string and never leaves the process: the HTTP layer encodes PublicUser.
type User struct {
	ID           string // UUID, assigned by the Service before CreateUser
	Email        string // normalized: trimmed and lower-cased
	PasswordHash string // argon2id PHC string
	Roles        []string
	Disabled     bool
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// PublicUser is the part of a User that may be shown to its owner and to
// upstreams, so the password hash can never be serialized by accident.
type PublicUser struct {
	ID        string    `json:"id"`
	Email     string    `json:"email"`
	Roles     []string  `json:"roles"`
	CreatedAt time.Time `json:"created_at"`
}

// Public returns the shareable view of u. Roles is never nil so that JSON
// shows [] rather than null.
func (u *User) Public() PublicUser {
	roles := u.Roles
	if roles == nil {
		roles = []string{}
	}
	return PublicUser{ID: u.ID, Email: u.Email, Roles: roles, CreatedAt: u.CreatedAt}
}
