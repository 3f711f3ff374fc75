package authcore

import (
	"hash/maphash"
	"strings"
	"sync"
	"time"
)

// tokenCacheShards spreads lock contention: with one RWMutex every
// concurrent request would bounce the same cache line between cores even on
// read-only hits.
const tokenCacheShards = 32

// evictionProbes is how many entries a full shard inspects for an expired
// victim before evicting an arbitrary one.
const evictionProbes = 8

// tokenCache remembers successfully verified access tokens until their exp,
// so a client reusing its token for a burst of requests pays for one HMAC
// and one JSON decode instead of one per request. A hit is a hash, a read
// lock and a map lookup: no allocation.
//
// It is keyed by the full token string, so a hit is only possible for the
// exact bytes that passed verification; a token differing in one byte is a
// miss and goes through the full check. Entries are never trusted past the
// token's own exp.
type tokenCache struct {
	seed   maphash.Seed
	shards []tokenCacheShard
}

type tokenCacheShard struct {
	mu       sync.RWMutex
	m        map[string]*Identity
	capacity int
	// Padding keeps neighbouring shards' mutexes off one cache line.
	_ [24]byte
}

// newTokenCache builds a cache holding at most size entries (size > 0).
func newTokenCache(size int) *tokenCache {
	n := min(tokenCacheShards, size)
	c := &tokenCache{seed: maphash.MakeSeed(), shards: make([]tokenCacheShard, n)}
	for i := range c.shards {
		s := &c.shards[i]
		s.capacity = shardCapacity(size, n, i)
		s.m = make(map[string]*Identity, min(s.capacity, 1024))
	}
	return c
}

// shardCapacity is shard i's share when size entries are spread over n
// shards exactly: the first size%n shards take one extra. The token and
// assertion caches both split their bound this way.
func shardCapacity(size, n, i int) int {
	c := size / n
	if i < size%n {
		c++
	}
	return c
}

func (c *tokenCache) shard(token string) *tokenCacheShard {
	return &c.shards[maphash.String(c.seed, token)%uint64(len(c.shards))]
}

// get returns the cached identity for token if it is still unexpired at
// now, else nil.
func (c *tokenCache) get(token string, now time.Time) *Identity {
	s := c.shard(token)
	s.mu.RLock()
	id := s.m[token]
	s.mu.RUnlock()
	// Security: the expiry is re-checked on every hit against the injected
	// clock, so a cached token dies at exp exactly like an uncached one.
	if id == nil || !now.Before(id.ExpiresAt) {
		return nil
	}
	return id
}

// put stores id for token, evicting an expired entry (or, failing that, a
// random one) when the shard is full. Go randomizes map iteration order,
// which makes "the first entry iterated" a cheap random choice.
func (c *tokenCache) put(token string, id *Identity, now time.Time) {
	// Clone so the cache does not pin a larger buffer (for example the
	// request header) the token string was sliced from.
	token = strings.Clone(token)
	s := c.shard(token)
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.m[token]; !ok && len(s.m) >= s.capacity {
		s.evict(now)
	}
	s.m[token] = id
}

// evict removes at least one entry; expired entries go first. The caller
// holds the write lock.
func (s *tokenCacheShard) evict(now time.Time) {
	var victim string
	probes, removed := 0, false
	for k, v := range s.m {
		if !now.Before(v.ExpiresAt) {
			delete(s.m, k)
			removed = true
		} else if victim == "" {
			victim = k
		}
		probes++
		if probes >= evictionProbes {
			break
		}
	}
	if !removed && victim != "" {
		delete(s.m, victim)
	}
}

// len reports the number of entries, for tests.
func (c *tokenCache) len() int {
	n := 0
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.RLock()
		n += len(s.m)
		s.mu.RUnlock()
	}
	return n
}
