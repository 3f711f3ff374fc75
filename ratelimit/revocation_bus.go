package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/authgate/gatewayd/authcore"
)

// RevocationBus carries access-token revocations between gateway replicas
// over Redis pub/sub (issue 13 §2): the replica that revokes publishes,
// every replica subscribes and applies the cutoff to its in-memory
// authcore.Revocations within milliseconds.
//
// It lives in this package because this is go-redis's one home (STYLE.md:
// one package per third-party library); a second package importing
// go-redis would be a second place to configure, time out and upgrade it.
// It shares only ParseRedisURL with the Limiter, not its client: a
// subscription holds a connection of its own, and the Limiter's client is
// tuned to give up after StoreTimeout.
//
// Delivery is at most once. A replica that is disconnected when a message
// is published misses it; that is why every replica also polls the
// database (authcore.Revocations.Sync), and why Run reports each
// (re)subscription, after which the caller catches up at once.
type RevocationBus struct {
	client  redis.UniversalClient
	channel string
	timeout time.Duration
	idle    time.Duration
	log     *slog.Logger
}

// BusOptions configure a RevocationBus.
type BusOptions struct {
	// RedisURL is the server, as for Options.RedisURL. Required.
	RedisURL string
	// Prefix namespaces the channel ("<prefix>:revocations"), as it does
	// the limiter's keys, so several gateways can share one Redis.
	Prefix string
	// PublishTimeout bounds one PUBLISH (default 1s): a revocation is
	// stored before it is published, so a slow Redis must not hold up the
	// logout that caused it.
	PublishTimeout time.Duration
	// IdleTimeout is how long Run waits for any message before it pings
	// Redis, and then for the PONG before it drops the connection and
	// subscribes afresh (default 15s). A connection that died without a
	// TCP reset would otherwise block forever and leave the replica on
	// polling without saying so.
	IdleTimeout time.Duration
	// Logger receives one line per lost and regained subscription.
	Logger *slog.Logger
}

// defaultBusIdleTimeout is BusOptions.IdleTimeout's default.
const defaultBusIdleTimeout = 15 * time.Second

// errNoPong means a ping went unanswered for a whole idle timeout.
var errNoPong = errors.New("no reply to PING")

// busRetryDelay spaces reconnection attempts while Redis is down.
const busRetryDelay = time.Second

// NewRevocationBus builds the client; it does not connect (Run does), so a
// gateway boots while its Redis is down and catches up when it returns.
func NewRevocationBus(opts BusOptions) (*RevocationBus, error) {
	if opts.Logger == nil {
		return nil, errors.New("ratelimit: revocation bus: Logger is required")
	}
	o, err := ParseRedisURL(opts.RedisURL)
	if err != nil {
		return nil, err
	}
	o.DisableIdentity = true
	timeout := opts.PublishTimeout
	if timeout <= 0 {
		timeout = time.Second
	}
	idle := opts.IdleTimeout
	if idle <= 0 {
		idle = defaultBusIdleTimeout
	}
	return &RevocationBus{
		client:  redis.NewUniversalClient(o),
		channel: opts.Prefix + ":revocations",
		timeout: timeout,
		idle:    idle,
		log:     opts.Logger,
	}, nil
}

// PublishRevocation implements authcore.RevocationPublisher.
func (b *RevocationBus) PublishRevocation(ctx context.Context, rev authcore.Revocation) error {
	ctx, cancel := context.WithTimeout(ctx, b.timeout)
	defer cancel()
	if err := b.client.Publish(ctx, b.channel, encodeRevocation(rev)).Err(); err != nil {
		return fmt.Errorf("ratelimit: publish revocation: %w", err)
	}
	return nil
}

// Run subscribes until ctx ends, calling apply for every revocation
// received and subscribed after every successful (re)subscription, so the
// caller can re-read the database for what it may have missed while
// disconnected. Both callbacks run on Run's goroutine.
func (b *RevocationBus) Run(ctx context.Context, apply func(authcore.Revocation), subscribed func()) {
	down := false
	lost := func(err error) {
		if !down {
			down = true
			b.log.Warn("revocation bus: subscription lost; revocations from other replicas arrive by polling until it is back", "err", err)
		}
	}
	restored := func() {
		if down {
			b.log.Info("revocation bus: subscription restored")
		}
		down = false
		subscribed()
	}
	for ctx.Err() == nil {
		err := b.listen(ctx, apply, restored, lost)
		if ctx.Err() != nil {
			return
		}
		lost(err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(busRetryDelay):
		}
	}
}

// listen runs one PubSub until it fails. go-redis reconnects and
// resubscribes by itself after a network error (the new *redis.Subscription
// reaches onSubscribed); listen gives up only on a connection that stays
// silent through a ping, which go-redis cannot notice, and returns so Run
// starts over with a fresh PubSub.
func (b *RevocationBus) listen(ctx context.Context, apply func(authcore.Revocation), onSubscribed func(), onLost func(error)) error {
	ps := b.client.Subscribe(ctx)
	defer ps.Close()
	stop := context.AfterFunc(ctx, func() { _ = ps.Close() })
	defer stop()
	// The first SUBSCRIBE may fail while Redis is down; the channel is
	// recorded anyway and every reconnect subscribes to it.
	_ = ps.Subscribe(ctx, b.channel)
	pinged := false
	for {
		msg, err := ps.ReceiveTimeout(ctx, b.idle)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			var netErr interface{ Timeout() bool }
			if !errors.As(err, &netErr) || !netErr.Timeout() {
				// A broken connection: go-redis reconnects on the next
				// receive; pace the attempts while Redis is down.
				onLost(err)
				select {
				case <-ctx.Done():
					return ctx.Err()
				case <-time.After(busRetryDelay):
				}
				continue
			}
			if pinged {
				return errNoPong
			}
			if err := ps.Ping(ctx); err != nil {
				return fmt.Errorf("ping: %w", err)
			}
			pinged = true
			continue
		}
		pinged = false
		switch m := msg.(type) {
		case *redis.Subscription:
			onSubscribed()
		case *redis.Message:
			rev, ok := decodeRevocation(m.Payload)
			if !ok {
				b.log.Warn("revocation bus: malformed message ignored", "channel", m.Channel)
				continue
			}
			apply(rev)
		}
	}
}

// Close releases the client.
func (b *RevocationBus) Close() error { return b.client.Close() }

// encodeRevocation is "<user id> <cutoff unix seconds>". Cutoffs are whole
// seconds (authcore.RevocationCutoff), so nothing is lost.
func encodeRevocation(rev authcore.Revocation) string {
	return rev.UserID + " " + strconv.FormatInt(rev.Before.Unix(), 10)
}

// decodeRevocation parses a message. Whoever can publish on the channel
// can revoke (never un-revoke: cutoffs only move forward), so malformed
// input is dropped, not trusted.
func decodeRevocation(s string) (authcore.Revocation, bool) {
	id, secs, ok := strings.Cut(s, " ")
	if !ok || id == "" || len(id) > 64 {
		return authcore.Revocation{}, false
	}
	n, err := strconv.ParseInt(secs, 10, 64)
	if err != nil || n <= 0 {
		return authcore.Revocation{}, false
	}
	return authcore.Revocation{UserID: id, Before: time.Unix(n, 0).UTC()}, true
}
