package proxy

import (
	"errors"
	"io"
	"sync"
)

// clientBody wraps the inbound request body and remembers the first read
// error that was not io.EOF. ReverseProxy hands its ErrorHandler one error
// for "the client's body could not be read" (a bad chunk size, a body cut
// short) and "the upstream failed"; only the body itself can tell them
// apart, and they need opposite answers: 400 and the upstream stays
// healthy, versus 502 (issue 9, item 7b).
type clientBody struct {
	io.ReadCloser
	mu  sync.Mutex // Read runs on the transport's write goroutine
	err error
}

// Read reads from the client's body, recording a failure.
func (b *clientBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && !errors.Is(err, io.EOF) {
		b.mu.Lock()
		if b.err == nil {
			b.err = err
		}
		b.mu.Unlock()
	}
	return n, err
}

// readErr returns the first read error other than io.EOF, or nil.
func (b *clientBody) readErr() error {
	if b == nil {
		return nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.err
}
