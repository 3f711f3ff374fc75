package proxy

import "net/http"

// TakesFastLeg reports whether Forward would send r over the fast leg
// (fastleg.go); tests use it to prove which path a case exercised.
func (f *Forwarder) TakesFastLeg(r *http.Request) bool { return f.fastEligible(r) }
