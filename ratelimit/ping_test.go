package ratelimit_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/authgate/gatewayd/ratelimit"
	"github.com/authgate/gatewayd/ratelimit/redistest"
)

func TestPing(t *testing.T) {
	ctx := context.Background()
	policies := map[string]string{ratelimit.PolicyLogin: "10-M"}

	mem, err := ratelimit.New(ctx, ratelimit.Options{Store: ratelimit.StoreMemory, Policies: policies})
	if err != nil {
		t.Fatal(err)
	}
	if err := mem.Ping(ctx); err != nil {
		t.Errorf("memory store Ping = %v, want nil", err)
	}
	_ = mem.Close()
	if err := mem.Ping(ctx); !errors.Is(err, ratelimit.ErrClosed) {
		t.Errorf("Ping after Close = %v, want ErrClosed", err)
	}

	srv := redistest.Start(t)
	l, err := ratelimit.New(ctx, ratelimit.Options{Store: ratelimit.StoreRedis, RedisURL: srv.URL, Policies: policies, StoreTimeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	if err := l.Ping(ctx); err != nil {
		t.Fatalf("Ping with Redis up = %v", err)
	}
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	pctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := l.Ping(pctx); err == nil {
		t.Error("Ping with Redis stopped = nil, want an error")
	}
}
