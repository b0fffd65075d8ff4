package main

import (
	"net"
	"strings"
	"testing"
)

// `holdlab serve` listens on loopback unless told otherwise, and its
// start-up banner says which.
func TestServeSaysWhereItListens(t *testing.T) {
	if def := newServeCmd().Flags().Lookup("addr").DefValue; !strings.HasPrefix(def, "127.0.0.1:") {
		t.Errorf("default --addr %q is not loopback", def)
	}
	tests := []struct {
		addr string
		want string
	}{
		{"127.0.0.1:0", "(loopback only)"},
		{"[::1]:0", "(loopback only)"},
		{"0.0.0.0:0", "(NOT loopback: reachable from other machines)"},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			if ln, err := net.Listen("tcp", tt.addr); err != nil {
				t.Skipf("cannot listen on %s here: %v", tt.addr, err)
			} else {
				ln.Close()
			}
			_, out := startServe(t, serveConfig{addr: tt.addr, clock: "manual"})
			if !strings.Contains(out.String(), tt.want) {
				t.Errorf("banner for --addr %s does not say %q:\n%s", tt.addr, tt.want, out)
			}
		})
	}
}
