// Package sim is holdlab's deterministic model of Twilio Programmable Voice:
// call legs with Twilio's statuses and directions, a resumable TwiML
// interpreter per leg, <Dial> bridges between parent and child legs,
// conferences (hold, wait and hold music, announcements) and queues
// (<Enqueue>, <Dial><Queue>), the simulated phones of the outside world, and
// a trace that says, in words a learner understands, what happened, when,
// and why.
//
// The engine is a state machine in the style of etcd's raft: it owns virtual
// time as data (a heap of events ordered by time and sequence number), never
// sleeps, starts no goroutines and performs no I/O. Whenever a leg needs a
// TwiML document, or Twilio would send a status callback, the engine queues an
// Effect; the caller performs it (an HTTP request to the app) and hands the
// result back with Deliver. The same inputs therefore always give the same
// trace.
//
// An Engine is not safe for concurrent use: the fakeapi package serialises
// access to it and performs its effects.
//
// CheckInvariants says whether the engine's state is one Twilio could be in
// (no call both bridged and ended, no participant in a completed
// conference, queues that match their members, …); with
// Config.CheckInvariants the engine checks after every step and keeps what
// it finds (Violations).
package sim
