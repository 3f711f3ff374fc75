package authcore

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// Revocation says that every access token of UserID issued (iat) before
// Before is dead (issue 13 §2).
type Revocation struct {
	UserID string
	Before time.Time
}

// RevocationCutoff turns the moment of a revocation into the stored
// revoked_before value: the next whole second after now.
//
// JWT iat has one-second precision (RFC 7519 §2 NumericDate; Issue
// truncates), so a token issued at 10.2 s and one issued at 10.9 s both say
// iat=10. A revocation at 10.7 s must kill the first, so it has to kill
// every iat=10 token: the cutoff is 11 and tokens with iat < 11 are
// rejected. Issue never mints a token that would be born dead: it gives a
// token for a user with a cutoff in the future iat = cutoff (see
// AccessTokens.Issue), so a login right after a revocation works.
func RevocationCutoff(now time.Time) time.Time {
	return now.Truncate(time.Second).Add(time.Second).UTC()
}

// Revocations is every replica's in-memory copy of the users' revoked_before
// timestamps. The proxy path checks it on every verified token, so a read
// is one atomic load and one map lookup, with no lock and no allocation:
// the map is copy-on-write, and writes (revocations: rare, admin-driven)
// copy it. The map holds only revocations young enough to matter; older
// ones are pruned, because a token issued before them has expired anyway.
//
// Watchers (long-lived streams, issue 13 §3) register per user and are
// woken when a revocation covers the token they were opened with.
//
// The zero value is not usable; build one with NewRevocations. It is safe
// for concurrent use.
type Revocations struct {
	snap atomic.Pointer[map[string]int64] // user id → cutoff, unix seconds

	mu       sync.Mutex // serializes writers and guards watchers
	watchers map[string]map[*revocationWatch]struct{}
}

// revocationWatch is one registered stream: it is woken (ch closed) by a
// cutoff later than iat.
type revocationWatch struct {
	iat  int64
	ch   chan struct{}
	done bool
}

// NewRevocations returns an empty set.
func NewRevocations() *Revocations {
	r := &Revocations{watchers: map[string]map[*revocationWatch]struct{}{}}
	empty := map[string]int64{}
	r.snap.Store(&empty)
	return r
}

// Revoked reports whether a token of userID issued at iat (unix seconds) is
// revoked: its iat is earlier than the user's cutoff.
func (r *Revocations) Revoked(userID string, iat int64) bool {
	m := *r.snap.Load()
	if len(m) == 0 {
		return false
	}
	cutoff, ok := m[userID]
	return ok && iat < cutoff
}

// Cutoff returns the user's current cutoff, if one is known.
func (r *Revocations) Cutoff(userID string) (time.Time, bool) {
	cutoff, ok := (*r.snap.Load())[userID]
	if !ok {
		return time.Time{}, false
	}
	return time.Unix(cutoff, 0).UTC(), true
}

// Apply merges revocations into the set, keeping the later cutoff per user
// (a stale message or poll can never un-revoke), and wakes the watchers
// they cover. It reports how many cutoffs moved forward.
func (r *Revocations) Apply(revs ...Revocation) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	old := *r.snap.Load()
	var next map[string]int64
	changed := 0
	for _, rev := range revs {
		cutoff := rev.Before.Unix()
		if cur, ok := old[rev.UserID]; ok && cur >= cutoff {
			continue
		}
		if next == nil {
			next = make(map[string]int64, len(old)+len(revs))
			for k, v := range old {
				next[k] = v
			}
		}
		if cur, ok := next[rev.UserID]; ok && cur >= cutoff {
			continue
		}
		next[rev.UserID] = cutoff
		changed++
		r.wakeLocked(rev.UserID, cutoff)
	}
	if next != nil {
		r.snap.Store(&next)
	}
	return changed
}

// Prune forgets cutoffs at or before oldest. Call it with now minus the
// longest token lifetime (TTL plus leeway): a token issued before such a
// cutoff is expired, so the entry can no longer change an answer.
func (r *Revocations) Prune(oldest time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	old := *r.snap.Load()
	limit := oldest.Unix()
	keep := make(map[string]int64, len(old))
	for k, v := range old {
		if v > limit {
			keep[k] = v
		}
	}
	if len(keep) != len(old) {
		r.snap.Store(&keep)
	}
}

// Len is the number of users with a live cutoff, for metrics and tests.
func (r *Revocations) Len() int { return len(*r.snap.Load()) }

// Watch returns a channel that is closed as soon as a cutoff covers a
// token of userID issued at iat (now or later), and a stop function that
// unregisters the watch. Stop must be called when the stream ends.
func (r *Revocations) Watch(userID string, iat time.Time) (<-chan struct{}, func()) {
	w := &revocationWatch{iat: iat.Unix(), ch: make(chan struct{})}
	r.mu.Lock()
	if r.Revoked(userID, w.iat) {
		// Revoked between the token check and the watch: wake at once.
		w.done = true
		close(w.ch)
		r.mu.Unlock()
		return w.ch, func() {}
	}
	set := r.watchers[userID]
	if set == nil {
		set = map[*revocationWatch]struct{}{}
		r.watchers[userID] = set
	}
	set[w] = struct{}{}
	r.mu.Unlock()
	return w.ch, func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		if set := r.watchers[userID]; set != nil {
			delete(set, w)
			if len(set) == 0 {
				delete(r.watchers, userID)
			}
		}
	}
}

// wakeLocked closes the channels of userID's watchers whose token the new
// cutoff revokes. The caller holds r.mu.
func (r *Revocations) wakeLocked(userID string, cutoff int64) {
	set := r.watchers[userID]
	for w := range set {
		if w.iat < cutoff && !w.done {
			w.done = true
			close(w.ch)
			delete(set, w)
		}
	}
	if len(set) == 0 {
		delete(r.watchers, userID)
	}
}

// Sync loads from store every cutoff later than now minus window, applies
// them and prunes the older ones. window must cover the longest an access
// token is accepted (TTL plus leeway): a cutoff older than that can no
// longer reject a token that would otherwise pass, so the set stays as
// small as the revocations of the last few minutes. Replicas call it at
// startup and then every poll interval (issue 13 §2), which is what bounds
// propagation when pub/sub is down or absent.
func (r *Revocations) Sync(ctx context.Context, store Store, now time.Time, window time.Duration) (int, error) {
	oldest := now.Add(-window)
	revs, err := store.RevocationsSince(ctx, oldest)
	if err != nil {
		return 0, fmt.Errorf("authcore: sync revocations: %w", err)
	}
	n := r.Apply(revs...)
	r.Prune(oldest)
	return n, nil
}
