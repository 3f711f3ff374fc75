package ratelimit_test

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/authgate/gatewayd/authcore"
	"github.com/authgate/gatewayd/ratelimit"
	"github.com/authgate/gatewayd/ratelimit/redistest"
)

// busReceiver collects what one replica's Run delivers.
type busReceiver struct {
	mu         sync.Mutex
	revs       []authcore.Revocation
	subscribed int
	cancel     context.CancelFunc
	done       chan struct{}
	bus        *ratelimit.RevocationBus
}

func startBus(t *testing.T, url, prefix string, logs *logBuffer) *busReceiver {
	t.Helper()
	return startBusWith(t, ratelimit.BusOptions{RedisURL: url, Prefix: prefix, Logger: newLogger(logs)})
}

func startBusWith(t *testing.T, opts ratelimit.BusOptions) *busReceiver {
	t.Helper()
	bus, err := ratelimit.NewRevocationBus(opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &busReceiver{cancel: cancel, done: make(chan struct{}), bus: bus}
	go func() {
		defer close(r.done)
		bus.Run(ctx, func(rev authcore.Revocation) {
			r.mu.Lock()
			defer r.mu.Unlock()
			r.revs = append(r.revs, rev)
		}, func() {
			r.mu.Lock()
			defer r.mu.Unlock()
			r.subscribed++
		})
	}()
	t.Cleanup(func() {
		cancel()
		<-r.done
		_ = bus.Close()
	})
	return r
}

func (r *busReceiver) state() ([]authcore.Revocation, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]authcore.Revocation(nil), r.revs...), r.subscribed
}

// TestRevocationBusDeliversToOtherReplicas: what one replica publishes,
// another receives, exactly (user and whole-second cutoff).
func TestRevocationBusDeliversToOtherReplicas(t *testing.T) {
	prefix := fmt.Sprintf("bus-%d", time.Now().UnixNano())
	logs := &logBuffer{}
	a := startBus(t, redistest.URL(t), prefix, logs)
	b := startBus(t, redistest.URL(t), prefix, logs)
	eventually(t, 5*time.Second, "both subscribed", func() bool {
		_, na := a.state()
		_, nb := b.state()
		return na > 0 && nb > 0
	})
	rev := authcore.Revocation{UserID: "5f0c0a52-3f9e-4d7a-9b7e-2c1d3e4f5a6b", Before: time.Unix(1_900_000_001, 0).UTC()}
	if err := a.bus.PublishRevocation(context.Background(), rev); err != nil {
		t.Fatal(err)
	}
	eventually(t, 5*time.Second, "replica b receives the revocation", func() bool {
		revs, _ := b.state()
		return len(revs) == 1
	})
	revs, _ := b.state()
	if revs[0].UserID != rev.UserID || !revs[0].Before.Equal(rev.Before) {
		t.Fatalf("received %+v, want %+v", revs[0], rev)
	}
}

// TestRevocationBusResubscribesAfterRedisRestart: after an outage the
// subscription comes back by itself and reports it, which is the caller's
// cue to catch up from the database; revocations published after that
// arrive again.
func TestRevocationBusResubscribesAfterRedisRestart(t *testing.T) {
	srv := redistest.Start(t)
	logs := &logBuffer{}
	r := startBus(t, srv.URL, "restart", logs)
	eventually(t, 5*time.Second, "subscribed", func() bool { _, n := r.state(); return n == 1 })
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	eventually(t, 20*time.Second, "resubscribed after the restart", func() bool { _, n := r.state(); return n >= 2 })
	rev := authcore.Revocation{UserID: "u1", Before: time.Unix(1_900_000_001, 0)}
	if err := r.bus.PublishRevocation(context.Background(), rev); err != nil {
		t.Fatal(err)
	}
	eventually(t, 5*time.Second, "revocation after the restart", func() bool { revs, _ := r.state(); return len(revs) == 1 })
}

// freezingProxy forwards TCP to target until freeze, after which the
// connections it already has go silent without being closed: the
// half-dead connection a NAT timeout or a vanished host leaves behind,
// which no read error ever reports. New connections work normally.
type freezingProxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	frozen []*atomic.Bool
}

func startFreezingProxy(t *testing.T, target string) *freezingProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &freezingProxy{ln: ln, target: target}
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", target)
			if err != nil {
				_ = c.Close()
				continue
			}
			frozen := new(atomic.Bool)
			p.mu.Lock()
			p.frozen = append(p.frozen, frozen)
			p.mu.Unlock()
			pipe := func(dst, src net.Conn) {
				defer dst.Close()
				buf := make([]byte, 4096)
				for {
					n, err := src.Read(buf)
					if err != nil {
						return
					}
					if !frozen.Load() {
						if _, err := dst.Write(buf[:n]); err != nil {
							return
						}
					}
				}
			}
			go pipe(up, c)
			go pipe(c, up)
			t.Cleanup(func() { _ = c.Close(); _ = up.Close() })
		}
	}()
	return p
}

func (p *freezingProxy) freeze() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, f := range p.frozen {
		f.Store(true)
	}
}

// TestRevocationBusReplacesASilentConnection: when the subscription's
// connection goes silent without an error, the unanswered ping makes the
// bus subscribe afresh instead of waiting forever on it.
func TestRevocationBusReplacesASilentConnection(t *testing.T) {
	direct := redistest.URL(t)
	u, err := url.Parse(direct)
	if err != nil {
		t.Fatal(err)
	}
	px := startFreezingProxy(t, u.Host)
	viaProxy := *u
	viaProxy.Host = px.ln.Addr().String()
	prefix := fmt.Sprintf("bus-silent-%d", time.Now().UnixNano())
	logs := &logBuffer{}
	r := startBusWith(t, ratelimit.BusOptions{RedisURL: viaProxy.String(), Prefix: prefix, Logger: newLogger(logs), IdleTimeout: 200 * time.Millisecond})
	eventually(t, 5*time.Second, "subscribed", func() bool { _, n := r.state(); return n == 1 })
	px.freeze()
	eventually(t, 10*time.Second, "subscribed afresh after the silence", func() bool { _, n := r.state(); return n >= 2 })
	pub, err := ratelimit.NewRevocationBus(ratelimit.BusOptions{RedisURL: direct, Prefix: prefix, Logger: newLogger(logs)})
	if err != nil {
		t.Fatal(err)
	}
	defer pub.Close()
	if err := pub.PublishRevocation(context.Background(), authcore.Revocation{UserID: "u1", Before: time.Unix(1_900_000_001, 0)}); err != nil {
		t.Fatal(err)
	}
	eventually(t, 5*time.Second, "revocation on the new connection", func() bool { revs, _ := r.state(); return len(revs) == 1 })
	if logs.count("subscription lost") == 0 {
		t.Error("the silent connection was replaced without a warning")
	}
}
