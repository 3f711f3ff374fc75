package fielderr_test

import (
	"errors"
	"testing"

	"github.com/authgate/gatewayd/internal/fielderr"
)

func TestPrefixKeepsEveryProblemAndNamesTheField(t *testing.T) {
	sentinel := errors.New("boom")
	err := fielderr.Prefix("Routes[2]", errors.Join(
		fielderr.New("Timeout", "is negative"),
		fielderr.Wrap("[0]", sentinel),
		errors.New("no field"),
	))
	var got []string
	for _, e := range fielderr.Flatten(err) {
		got = append(got, e.Error())
	}
	want := []string{"Routes[2].Timeout: is negative", "Routes[2][0]: boom", "Routes[2]: no field"}
	if len(got) != len(want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("[%d] = %q, want %q", i, got[i], want[i])
		}
	}
	if !errors.Is(err, sentinel) {
		t.Error("sentinel lost")
	}
	if fielderr.Wrap("x", nil) != nil || fielderr.Prefix("x", nil) != nil {
		t.Error("nil must stay nil")
	}
}
