package authcore

import "context"

// Test hooks, compiled only into this package's tests. They let the
// black-box tests occupy hashing slots deterministically instead of racing
// real argon2 runs against a timer.

// AcquireSlotForTest takes one hashing slot as Hash would.
func (h *Hasher) AcquireSlotForTest(ctx context.Context) error { return h.acquire(ctx) }

// ReleaseSlotForTest returns a slot taken by AcquireSlotForTest.
func (h *Hasher) ReleaseSlotForTest() { h.release() }

// CacheLenForTest reports the verified-token cache's entry count (-1 when
// the cache is disabled).
func (t *AccessTokens) CacheLenForTest() int {
	if t.cache == nil {
		return -1
	}
	return t.cache.len()
}

// AssertionCacheLen reports the signed-assertion cache's entry count (-1
// when disabled).
func AssertionCacheLen(a *Assertions) int {
	if a.cache == nil {
		return -1
	}
	return a.cache.len()
}
