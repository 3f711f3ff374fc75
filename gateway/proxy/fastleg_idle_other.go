//go:build !linux

package proxy

import "net"

// fastLegSupported is false where idleConnClean cannot peek without
// blocking: every request takes httputil there.
const fastLegSupported = false

func idleConnClean(net.Conn) bool { return false }
