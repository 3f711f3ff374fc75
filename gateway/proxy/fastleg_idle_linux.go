package proxy

import (
	"net"
	"syscall"
)

// fastLegSupported: the idle-connection check below needs MSG_PEEK and
// MSG_DONTWAIT; elsewhere every request takes httputil.
const fastLegSupported = true

// idleConnClean reports whether a pooled connection can carry a request:
// nothing is waiting to be read on it and the upstream has not closed it.
//
// net/http's Transport keeps a goroutine reading every idle connection, so
// it notices both at once: a close (the connection leaves the pool) and
// bytes nobody asked for ("Unsolicited response received on idle HTTP
// channel", the connection is closed). fasthttp's pool has no such reader.
// Without this check, bytes an upstream sent after a response's framing
// would be read as the next request's response, which may be another
// user's request. One non-blocking peek per reused connection, no
// goroutine.
func idleConnClean(conn net.Conn) bool {
	sc, ok := conn.(syscall.Conn)
	if !ok {
		return false
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return false
	}
	var peek peekResult
	if err := rc.Read(peek.check); err != nil {
		return false
	}
	return peek.clean
}

// peekResult is the outcome of one non-blocking MSG_PEEK.
type peekResult struct {
	buf   [1]byte
	clean bool
}

// check peeks at fd without waiting: EAGAIN means nothing pending (clean);
// 0 bytes means the peer closed; any byte is unsolicited. It never asks the
// poller to wait (returns true).
func (p *peekResult) check(fd uintptr) bool {
	n, _, err := syscall.Recvfrom(int(fd), p.buf[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
	p.clean = n < 0 && (err == syscall.EAGAIN || err == syscall.EWOULDBLOCK)
	return true
}
