package proxy

import (
	"net"
	"syscall"
)

// fastLegSupported: the idle-connection check below needs MSG_PEEK and
// MSG_DONTWAIT; elsewhere every request takes httputil.
const fastLegSupported = true

// peekConn is an upstream connection of the fast leg with what
// idleConnClean needs prepared once, when it is dialed, instead of on
// every request.
type peekConn struct {
	net.Conn
	raw   syscall.RawConn // nil if the connection has no file descriptor
	check func(fd uintptr) bool
	abort func() // unblocks a pending read or write (abortFunc)
	buf   [1]byte
	clean bool
}

// newPeekConn wraps a freshly dialed connection.
func newPeekConn(c net.Conn) net.Conn {
	pc := &peekConn{Conn: c}
	if sc, ok := c.(syscall.Conn); ok {
		if raw, err := sc.SyscallConn(); err == nil {
			pc.raw = raw
		}
	}
	pc.check = pc.peek
	pc.abort = func() { _ = pc.Conn.SetDeadline(aLongTimeAgo) }
	return pc
}

// abortFunc returns a function that unblocks conn's pending read or write,
// for context.AfterFunc; for a fast-leg connection it was built once, at
// dial time.
func abortFunc(conn net.Conn) func() {
	if pc, ok := conn.(*peekConn); ok {
		return pc.abort
	}
	return func() { _ = conn.SetDeadline(aLongTimeAgo) }
}

// idleConnClean reports whether a pooled connection can carry a request:
// nothing is waiting to be read on it and the upstream has not closed it.
//
// net/http's Transport keeps a goroutine reading every idle connection, so
// it notices both at once: a close (the connection leaves the pool) and
// bytes nobody asked for ("Unsolicited response received on idle HTTP
// channel", the connection is closed). fasthttp's pool has no such reader.
// Without this check, bytes an upstream sent after a response's framing
// would be read as the next request's response, which may be another
// user's request. One non-blocking peek per reused connection: no
// goroutine, no allocation.
func idleConnClean(conn net.Conn) bool {
	pc, ok := conn.(*peekConn)
	if !ok || pc.raw == nil {
		return false
	}
	pc.clean = false
	if err := pc.raw.Read(pc.check); err != nil {
		return false
	}
	return pc.clean
}

// peek looks at fd without waiting: EAGAIN means nothing pending (clean);
// 0 bytes means the peer closed; any byte is unsolicited. It never asks
// the poller to wait (returns true).
func (pc *peekConn) peek(fd uintptr) bool {
	n, _, err := syscall.Recvfrom(int(fd), pc.buf[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
	pc.clean = n < 0 && (err == syscall.EAGAIN || err == syscall.EWOULDBLOCK)
	return true
}
