//go:build !linux

package proxy

import "net"

// fastLegSupported is false where idleConnClean cannot peek without
// blocking: every request takes httputil there.
const fastLegSupported = false

func newPeekConn(c net.Conn) net.Conn { return c }

func idleConnClean(net.Conn) bool { return false }

func abortFunc(conn net.Conn) func() {
	return func() { _ = conn.SetDeadline(aLongTimeAgo) }
}
