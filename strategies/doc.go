// Package strategies holds ways of putting a Twilio call on hold and taking
// it off hold, written against github.com/twilio/twilio-go only, so the same
// code runs unchanged against real Twilio and against holdlab's fake.
//
// Three strategies:
//
//   - Conference (recommended): the parties meet in a conference; hold and
//     unhold update the participant (Hold, HoldUrl).
//   - CallLeg: the parties are the two legs of a <Dial>; hold parks one in
//     <Enqueue> while the other stays on the line, unhold bridges them again
//     with <Dial><Queue>. Its doc comment explains which leg to move, and
//     why.
//   - Redirect: the naive way (redirect a leg to hold music). It exists to
//     reproduce the pitfall: the other leg drops.
//
// Each strategy serves its own TwiML webhooks (Strategy.Handler), mounted
// at the public URL it is given (Config.BaseURL).
//
// With Config.PauseRecordingOnHold, the conference strategy pauses the
// recordings of the held party's call during the hold and resumes the same
// ones after (recordings.go): a recording of a held call otherwise records
// the hold music.
package strategies
