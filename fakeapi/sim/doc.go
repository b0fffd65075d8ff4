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
//
// # Files
//
// The engine and a call leg:
//   - engine.go: Engine and Config, virtual time (the event heap), effects.
//   - call.go: the Call resource, the states a leg waits in, a parsed
//     document (program) and what an interpreter holds between verbs (docRun).
//   - lifecycle.go: a leg's life: created, dispatched, answered, its status
//     changes, ended.
//   - phone.go: the simulated phones of the outside world.
//   - loops.go: calls to the account's own numbers, and the bounds on them.
//
// TwiML:
//   - interp.go: the interpreter of a leg's own TwiML: the verb switch
//     (exec), keys pressed, and going on after a verb that blocked the leg
//     (followAction, resumeMain, actionCallback).
//   - fetch.go: getting a document: the request, what its answer means, the
//     fallback URL, the application error, relative URLs. doccache.go keeps
//     parsed documents.
//   - player.go: the one player of <Say>, <Play>, <Pause> and <Redirect>,
//     behind the playerHost interface: what these verbs do is written there
//     once, for a leg's own TwiML, for every restricted document and, for
//     Say, Play and Pause, for the prompts of a <Gather>.
//   - hosts.go: the player's two hosts, also those of <Gather>: a leg's own
//     TwiML (callHost) and a restricted document on a leg (runnerHost).
//   - gather.go: <Gather>.
//   - runner.go: mediaRunner, a restricted document (wait, hold or queue
//     music, an announcement, a <Queue url>) that plays on a leg while its
//     own TwiML stays blocked.
//   - dial.go: <Dial> to numbers, clients and SIP: child legs, the bridge,
//     their teardown. dial_application.go: <Dial><Application>.
//   - clients.go: Voice SDK devices: registered identities, the calls they
//     place to TwiML Apps, the custom parameters they receive.
//
// Rooms:
//   - rooms.go: what conferences and queues share: leaving a room (and how
//     the trace says it), what a leg in a room hears, its keys.
//   - conference.go: the Conference and Participant resources, joining by
//     <Dial><Conference>, the start rule, who hears whom.
//   - conference_leave.go: leaving a conference, and its end.
//   - conference_media.go: wait and hold music, announcements.
//   - conference_events.go: conference status callbacks.
//   - queue.go: queues, <Enqueue>, <Dial><Queue> and queue bridges.
//
// Recordings:
//   - recording.go: recordings of calls and conferences, how they start,
//     pause, resume and end with what they record, and their status
//     callbacks.
//   - recording_contents.go: what a recording holds, channel by channel.
//
// What comes out:
//   - hearing.go: what each party hears, over time.
//   - webhooks.go: the standard request parameters and a call's status
//     callbacks.
//   - trace.go, tracelog.go: the trace (a ring with Config.TraceLimit);
//     tracefacts.go: the typed fields of its entries (the room, what a
//     party hears, the cause, the webhook or REST request), for programs;
//     tracerecent.go: the hearings, lines and references a call or the
//     engine reuses when they come back (a hold churn).
//   - snapshot.go: the persistent records (calls, numbers, conferences,
//     queues, phones, the clock, the SID sequence), taken and restored.
//   - invariants.go: the states Twilio could never be in.
//
// The engine's API, by resource, as fakeapi/rest_*.go serves it:
// api_calls.go, api_conferences.go, api_queues.go, api_numbers.go,
// api_applications.go (TwiML Apps), messages.go (user-defined messages),
// api_recordings.go;
// errors.go has the errors they return.
package sim
