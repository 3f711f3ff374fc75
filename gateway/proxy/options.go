package proxy

import (
	"errors"
	"time"

	"github.com/authgate/gatewayd/internal/fielderr"
)

// DefaultTransportOptions returns the transport limits NewTransport uses
// for zero fields. They are written here once (issue 10); config shows
// them as its defaults.
func DefaultTransportOptions() TransportOptions {
	return TransportOptions{
		DialTimeout:           5 * time.Second,
		KeepAlive:             30 * time.Second,
		TLSHandshakeTimeout:   5 * time.Second,
		ResponseHeaderTimeout: 30 * time.Second,
		IdleConnTimeout:       90 * time.Second,
		ExpectContinueTimeout: time.Second,
		MaxIdleConns:          512,
		MaxIdleConnsPerHost:   128,
	}
}

// DefaultMaxBodyBytes is the request-body cap a configuration starts with
// (proxy.max_body_bytes); ForwarderOptions.MaxBodyBytes 0 means no cap.
const DefaultMaxBodyBytes = 10 << 20

// Validate reports every problem with o as joined *fielderr.Error
// values. Zero fields take DefaultTransportOptions; negative ones are
// refused, since no negative timeout or pool size means anything.
func (o TransportOptions) Validate() error {
	var errs []error
	for _, d := range []struct {
		field string
		v     time.Duration
	}{
		{"DialTimeout", o.DialTimeout}, {"KeepAlive", o.KeepAlive},
		{"TLSHandshakeTimeout", o.TLSHandshakeTimeout}, {"ResponseHeaderTimeout", o.ResponseHeaderTimeout},
		{"IdleConnTimeout", o.IdleConnTimeout}, {"ExpectContinueTimeout", o.ExpectContinueTimeout},
	} {
		if d.v < 0 {
			errs = append(errs, fielderr.New(d.field, "must not be negative (0 means the default)"))
		}
	}
	if o.MaxIdleConns < 0 {
		errs = append(errs, fielderr.New("MaxIdleConns", "must not be negative (0 means the default)"))
	}
	if o.MaxIdleConnsPerHost < 0 {
		errs = append(errs, fielderr.New("MaxIdleConnsPerHost", "must not be negative (0 means the default)"))
	}
	return errors.Join(errs...)
}

// Validate reports every problem with the forwarding options that come
// from configuration: the body cap and the extra strip headers. (The
// identity names are IdentityOptions.Validate's.)
func (o ForwarderOptions) Validate() error {
	var errs []error
	if o.MaxBodyBytes < 0 {
		errs = append(errs, fielderr.New("MaxBodyBytes", "must not be negative (0 means no limit)"))
	}
	errs = append(errs, ValidHeaderNames("StripHeaders", o.StripHeaders))
	return errors.Join(errs...)
}
