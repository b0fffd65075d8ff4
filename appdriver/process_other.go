//go:build !unix

package appdriver

import "os/exec"

// setProcessGroup does nothing where there are no process groups.
func setProcessGroup(*exec.Cmd) {}

// signalGroup ends the app's process: there is no SIGTERM here, so both
// ways kill it.
func signalGroup(cmd *exec.Cmd, _ bool) error { return cmd.Process.Kill() }
