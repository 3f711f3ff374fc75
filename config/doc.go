// Package config turns a YAML file plus the process environment into one
// typed, validated Config tree for cmd/gatewayd.
//
// Only cmd imports this package: every other package takes its own typed
// Options, and cmd maps Config onto them. That keeps configuration from
// becoming ambient state that library code reaches for.
//
// Load layers its sources in a fixed order: built-in defaults, then the
// optional YAML file, then GATEWAY_<SECTION>_<KEY> environment variables,
// then the security guide's exact names (JWT_SECRET, DATABASE_URL,
// REDIS_URL, CORS_ALLOWED_ORIGINS, DOCS_ENABLED, MIGRATE_ON_STARTUP), which
// win. JWT_SECRET, DATABASE_URL, REDIS_URL and GATEWAY_JWT_PREVIOUS_SECRETS
// may instead be read from the file named by <NAME>_FILE, which suits
// Docker and Kubernetes secrets. The route table comes from the file only.
//
// Load fails fast and reports every problem at once (see Problems), because
// an operator fixing a config one error per restart gives up and starts
// copying random snippets. Unknown keys are errors, since a typo such as
// "listne" must not silently fall back to a default. Secrets are held in the
// Secret type, which redacts itself wherever it is printed or logged.
package config
