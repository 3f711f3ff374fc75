// Package fielderr is the one error shape every package's Options.Validate
// returns (issue 10): a problem tagged with the Go field it is about. The
// owner writes the rule and the message once; config maps the field back
// to the YAML key (and environment variable) the operator typed, so the
// same message reaches `config check` and `serve` without config restating
// any bound.
//
// It imports only the standard library, so authcore may use it.
package fielderr

import (
	"errors"
	"fmt"
)

// Error is one problem with one option field.
type Error struct {
	// Field is the Go field path inside the Options value, e.g.
	// "SaltLength", "Policies[login]" or "Routes[2].Timeout".
	Field string
	// Err says what is wrong, without naming the field again.
	Err error
}

// Error returns "Field: problem".
func (e *Error) Error() string { return e.Field + ": " + e.Err.Error() }

// Unwrap exposes the cause, so sentinel errors survive errors.Is.
func (e *Error) Unwrap() error { return e.Err }

// New returns an *Error for field with a formatted message.
func New(field, format string, args ...any) error {
	return &Error{Field: field, Err: fmt.Errorf(format, args...)}
}

// Wrap tags err with field; nil stays nil.
func Wrap(field string, err error) error {
	if err == nil {
		return nil
	}
	return &Error{Field: field, Err: err}
}

// Prefix puts parent in front of every field error in err ("Routes[2]" +
// "Timeout" → "Routes[2].Timeout"); errors without a field become field
// parent. It keeps joined errors joined.
func Prefix(parent string, err error) error {
	if err == nil {
		return nil
	}
	list := Flatten(err)
	out := make([]error, 0, len(list))
	for _, e := range list {
		var fe *Error
		if errors.As(e, &fe) {
			out = append(out, &Error{Field: join(parent, fe.Field), Err: fe.Err})
			continue
		}
		out = append(out, &Error{Field: parent, Err: e})
	}
	return errors.Join(out...)
}

// Flatten returns the leaves of a tree of errors.Join results, in order;
// any other error is one leaf.
func Flatten(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, Flatten(e)...)
		}
		return out
	}
	return []error{err}
}

func join(parent, child string) string {
	switch {
	case parent == "":
		return child
	case child == "":
		return parent
	case child[0] == '[':
		return parent + child
	}
	return parent + "." + child
}
