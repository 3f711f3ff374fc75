package proxy

import (
	"bufio"
	"net"
	"net/http"
	"sync"
)

// captureWriter carries ReverseProxy's error out of its ErrorHandler, so
// Forward can return it instead of writing a response. Unwrap keeps
// http.ResponseController (Flush for SSE, Hijack for WebSockets) working on
// the real writer.
type captureWriter struct {
	http.ResponseWriter
	err      error
	hijacked bool
}

// Unwrap exposes the underlying writer to http.ResponseController.
func (c *captureWriter) Unwrap() http.ResponseWriter { return c.ResponseWriter }

// Hijack takes over the connection for an upgrade and remembers that it
// did: after a hijack nothing may be written through w any more.
func (c *captureWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, brw, err := http.NewResponseController(c.ResponseWriter).Hijack()
	if err == nil {
		c.hijacked = true
	}
	return conn, brw, err
}

// captureError is the ReverseProxy ErrorHandler. It writes nothing: the
// gateway maps the error to a status in one place, and error text never
// reaches the client.
func captureError(w http.ResponseWriter, _ *http.Request, err error) {
	if cw, ok := w.(*captureWriter); ok {
		cw.err = err
	}
}

// modifyResponse applies the response-header options.
func (f *Forwarder) modifyResponse(res *http.Response) error {
	f.applyResponseOptions(res.Header)
	return nil
}

// Shared values of the response options; http.Header values are never
// modified in place, so one slice serves every response.
var (
	nosniff = []string{"nosniff"}
	deny    = []string{"DENY"}
)

// applyResponseOptions applies the response-header options to the
// upstream's header h (both legs).
func (f *Forwarder) applyResponseOptions(h http.Header) {
	if f.hide {
		// Version banners only help an attacker pick exploits.
		delete(h, "Server")
		delete(h, "X-Powered-By")
	}
	if f.secure {
		if _, ok := h["X-Content-Type-Options"]; !ok {
			h["X-Content-Type-Options"] = nosniff
		}
		if _, ok := h["X-Frame-Options"]; !ok {
			h["X-Frame-Options"] = deny
		}
	}
}

// copyBufferSize matches io.Copy's buffer size, which ReverseProxy would
// otherwise allocate for every response.
const copyBufferSize = 32 << 10

// bufferPool recycles ReverseProxy's copy buffers. Buffers are pooled as
// array pointers so Put does not allocate.
type bufferPool struct{ pool sync.Pool }

// Get returns a copy buffer.
func (b *bufferPool) Get() []byte {
	if p, ok := b.pool.Get().(*[copyBufferSize]byte); ok {
		return p[:]
	}
	return new([copyBufferSize]byte)[:]
}

// Put returns a buffer obtained from Get.
func (b *bufferPool) Put(buf []byte) {
	if len(buf) != copyBufferSize {
		return
	}
	b.pool.Put((*[copyBufferSize]byte)(buf))
}
