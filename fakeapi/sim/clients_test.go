package sim

import (
	"errors"
	"strings"
	"testing"
)

func TestValidIdentity(t *testing.T) {
	tests := []struct {
		id   string
		want bool
	}{
		{"alice", true},
		{"agent_42", true},
		{"support.desk-1", true},
		{"", false},
		{"with space", false},
		{"tab\there", false},
		{"a<b", false},
		{`quote"`, false},
		{strings.Repeat("x", 256), true},
		{strings.Repeat("x", 257), false},
	}
	for _, tt := range tests {
		if got := ValidIdentity(tt.id); got != tt.want {
			t.Errorf("ValidIdentity(%q) = %v, want %v", tt.id, got, tt.want)
		}
	}
}

// What the engine refuses from a Voice SDK device, and from whoever
// registers one, with Twilio's codes.
func TestClientErrors(t *testing.T) {
	w := newWorld(t)
	app, err := w.e.CreateApplication(ApplicationParams{VoiceURL: ptr("https://app.test/voice")})
	must(t, err)
	tests := []struct {
		name string
		do   func() error
		code int
	}{
		{"call to an App that does not exist", func() error {
			_, err := w.e.PlaceClientCall("alice", "AP00000000000000000000000000000000", nil)
			return err
		}, 21218},
		{"call from an invalid identity", func() error {
			_, err := w.e.PlaceClientCall("a b", app.Sid, nil)
			return err
		}, 21000},
		{"custom parameter named as one of Twilio's", func() error {
			_, err := w.e.PlaceClientCall("alice", app.Sid, map[string]string{"CallSid": "CA1"})
			return err
		}, 21000},
		{"register an invalid identity", func() error { return w.e.RegisterClient("", PhoneScript{}) }, 21000},
		{"register with an unknown answer", func() error { return w.e.RegisterClient("alice", PhoneScript{Answer: "maybe"}) }, 21000},
		{"unregister an identity with no device", func() error { return w.e.UnregisterClient("nobody") }, 20404},
		{"message to a call that does not exist", func() error {
			_, err := w.e.CreateUserDefinedMessage("CA00000000000000000000000000000000", `{}`, "")
			return err
		}, 20404},
		{"subscription to a call that does not exist", func() error {
			_, err := w.e.CreateUserDefinedMessageSubscription("CA00000000000000000000000000000000", "https://app.test/m", "", "")
			return err
		}, 20404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var se *Error
			if err := tt.do(); !errors.As(err, &se) || se.Code != tt.code {
				t.Fatalf("error %v, want code %d", err, tt.code)
			}
		})
	}
	if got := w.e.ClientRegistered("alice"); got {
		t.Errorf("a refused registration registered alice")
	}
}
