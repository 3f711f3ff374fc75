package authcore

import (
	"hash/maphash"
	"strings"
	"sync"
	"time"
)

// assertionCache keeps signed assertions per (access-token jti, audience,
// method, path) while they may still be reused. It is sharded and bounded
// exactly like tokenCache: a client that varies the path on every request
// fills a shard and evicts, it never grows memory.
//
// The map is keyed by a 64-bit hash of the four parts, computed without
// allocating; the entry stores the parts themselves, so a hash collision
// is a miss (and an overwrite), never another request's assertion.
type assertionCache struct {
	seed   maphash.Seed
	shards []assertionShard
}

type assertionShard struct {
	mu       sync.RWMutex
	m        map[uint64]*assertionEntry
	capacity int
	_        [24]byte // keep neighbouring shards' locks off one cache line
}

type assertionEntry struct {
	jti, audience, method, path string
	kid                         string
	token                       string
	reuseUntil                  time.Time
}

func newAssertionCache(size int) *assertionCache {
	n := min(tokenCacheShards, size)
	c := &assertionCache{seed: maphash.MakeSeed(), shards: make([]assertionShard, n)}
	for i := range c.shards {
		s := &c.shards[i]
		s.capacity = shardCapacity(size, n, i)
		s.m = make(map[uint64]*assertionEntry, min(s.capacity, 1024))
	}
	return c
}

func (c *assertionCache) key(jti string, r AssertionRequest) uint64 {
	var h maphash.Hash
	h.SetSeed(c.seed)
	// NUL separators: none of the parts can contain one (proxy.Canonicalize refuses
	// NUL), so ("a","bc") and ("ab","c") hash differently.
	h.WriteString(jti)
	h.WriteByte(0)
	h.WriteString(r.Audience)
	h.WriteByte(0)
	h.WriteString(r.Method)
	h.WriteByte(0)
	h.WriteString(r.Path)
	return h.Sum64()
}

// get returns the cached assertion if it matches exactly, was signed by
// kid (the current key) and is still within its reuse window.
func (c *assertionCache) get(jti string, r AssertionRequest, kid string, now time.Time) string {
	k := c.key(jti, r)
	s := &c.shards[k%uint64(len(c.shards))]
	s.mu.RLock()
	e := s.m[k]
	s.mu.RUnlock()
	if e == nil || !now.Before(e.reuseUntil) || e.kid != kid ||
		e.jti != jti || e.audience != r.Audience || e.method != r.Method || e.path != r.Path {
		return ""
	}
	return e.token
}

// put stores an assertion, evicting one that is past reuse (or an
// arbitrary one) when the shard is full.
func (c *assertionCache) put(jti string, r AssertionRequest, kid, token string, reuseUntil, now time.Time) {
	k := c.key(jti, r)
	// Clone: the path may be a slice of a larger request buffer.
	e := &assertionEntry{
		jti: strings.Clone(jti), audience: r.Audience, method: strings.Clone(r.Method),
		path: strings.Clone(r.Path), kid: kid, token: token, reuseUntil: reuseUntil,
	}
	s := &c.shards[k%uint64(len(c.shards))]
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.m[k]; !ok && len(s.m) >= s.capacity {
		var victim uint64
		probes, removed, found := 0, false, false
		for key, v := range s.m { // Go randomizes iteration: a cheap random victim
			if !now.Before(v.reuseUntil) {
				delete(s.m, key)
				removed = true
			} else if !found {
				victim, found = key, true
			}
			if probes++; probes >= evictionProbes {
				break
			}
		}
		if !removed && found {
			delete(s.m, victim)
		}
	}
	s.m[k] = e
}

// len reports the number of entries, for tests.
func (c *assertionCache) len() int {
	n := 0
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.RLock()
		n += len(s.m)
		s.mu.RUnlock()
	}
	return n
}
