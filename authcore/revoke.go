package authcore

import (
	"context"
	"fmt"
	"time"
)

// RevocationPublisher tells the other replicas about a revocation (issue
// 13 §2), e.g. over Redis pub/sub (ratelimit.RevocationBus). Delivery is
// best effort: replicas also poll the Store, so a lost message delays a
// revocation by at most the poll interval but never loses it.
type RevocationPublisher interface {
	PublishRevocation(ctx context.Context, rev Revocation) error
}

// EventRevocationPublishFailed means a revocation was stored and applied on
// this replica, but telling the others failed; they pick it up at their
// next poll instead of within a second.
const EventRevocationPublishFailed Event = "revocation_publish_failed"

// revokeAccess ends every access token the user holds now: it stores the
// cutoff (so every replica's poll finds it), applies it to this replica's
// set at once (the in-process path, and what wakes this replica's
// streams), and publishes it for the other replicas.
func (s *Service) revokeAccess(ctx context.Context, op, userID string) error {
	rev := Revocation{UserID: userID, Before: RevocationCutoff(s.clock())}
	if err := s.store.SetRevokedBefore(ctx, userID, rev.Before); err != nil {
		return fmt.Errorf("authcore: %s: revoke access tokens: %w", op, err)
	}
	if s.revocations != nil {
		s.revocations.Apply(rev)
	}
	if s.publisher != nil {
		if err := s.publisher.PublishRevocation(ctx, rev); err != nil {
			// Not the caller's failure: the revocation is stored and the
			// other replicas' polling will find it.
			s.emit(EventRevocationPublishFailed)
		}
	}
	return nil
}

// awaitCutoff waits until the user's revocation cutoff, if it lies in the
// future, before a token is issued. A cutoff is at most one second ahead
// (RevocationCutoff), so only a login or refresh in the very second of a
// revocation waits, and its token is then valid at once instead of
// carrying a revoked iat.
func (s *Service) awaitCutoff(ctx context.Context, userID string) error {
	if s.revocations == nil {
		return nil
	}
	cutoff, ok := s.revocations.Cutoff(userID)
	if !ok {
		return nil
	}
	d := min(cutoff.Sub(s.now()), time.Second)
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("authcore: wait for revocation cutoff: %w", ctx.Err())
	}
}
