// Package authcore is the gateway's domain: users, password hashing,
// access tokens, refresh-token rotation and the Service that ties them
// together, plus the signed identity assertions (Ed25519 JWTs and their
// JWKS) upstreams verify.
//
// It imports no database, HTTP or Redis library, so every rule about who may
// log in and which token is valid lives here once and is tested without a
// network. Adapters (authcore/postgres, authcore/sqlite) implement Store;
// the HTTP layer (package gateway) calls Service and maps its errors.
package authcore
