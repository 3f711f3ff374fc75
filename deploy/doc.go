// Package deploy has no Go code of its own. The directory ships what
// operators deploy from: the Dockerfile, compose.yaml, the Kubernetes
// manifests, the systemd unit and the nginx fronts (in nginx/).
//
// The package's tests check every one of those files for real, offline,
// in `make test`, so an edit that breaks one fails the build instead of a
// deployment: the Dockerfile's build line is rebuilt and must give a static
// binary; compose.yaml is validated against the compose-spec schema; the
// manifests against Kubernetes' own schemas with kubeconform; the systemd
// unit with systemd-analyze; and the configs they embed with
// `gatewayd config check`.
package deploy
