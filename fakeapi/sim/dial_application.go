package sim

import (
	"net/url"

	"github.com/holdlab/holdlab/fakeapi/twiml"
	"github.com/holdlab/holdlab/fakeapi/wire"
)

// <Dial><Application> (https://www.twilio.com/docs/voice/twiml/dial/application):
// the child leg reaches one of the account's TwiML Apps, which answers it
// as it would a call to a number configured with it: a new inbound leg,
// linked to the child as a call to one of the account's numbers is
// (loops.go), that requests the App's VoiceUrl. The original From is kept;
// To is the App's SID, or the parent's To with copyParentTo="true".

// appParamPrefix prefixes the name of each <Parameter> of an <Application>
// in the request to the App's VoiceUrl. UNCONFIRMED: holdlab's reading of
// https://www.twilio.com/docs/voice/twiml/dial/application/usage.
const appParamPrefix = "Param_"

// applicationTarget is the <Dial> target of n: a child leg that reaches
// the App of n.
func (e *Engine) applicationTarget(d *dialState, n *twiml.Application) dialTarget {
	to := n.ApplicationSid
	if n.CopyParentTo {
		to = d.parent.To
	}
	return dialTarget{address: n.ApplicationSid, shown: "application " + wire.Short(n.ApplicationSid),
		url: n.URL, method: n.Method, cb: n.StatusCallbacks,
		setup: func(ch *Call) {
			e.sdkDialed(ch, &sdkDial{isApp: true, app: n.ApplicationSid, to: to, params: n.Params})
		}}
}

// dialApp places c, the child leg of a <Dial><Application>: it fails when
// the App does not exist (INFERRED: Twilio's 21218, "Invalid
// ApplicationSid"), else it rings a new inbound leg that runs the App.
func (e *Engine) dialApp(c *Call, d *sdkDial) {
	app := e.app(d.app)
	if app == nil {
		e.traceCode(c, KindError, 21218, "<Dial><Application>: %q is not one of the account's TwiML Apps", d.app)
		e.endCall(c, StatusFailed, CauseUnreachable, "the TwiML App "+d.app+" does not exist")
		return
	}
	if e.refuseLoop(c) {
		return
	}
	in := e.newCall(DirectionInbound, c.From, d.to, nil)
	c.loop, in.loop = in, c
	e.setStatus(c, StatusRinging, CauseRinging, "it reaches TwiML App "+wire.Short(app.Sid))
	c.ringTimer = e.after(c.timeout, func() {
		if !c.Answered() {
			e.endCall(c, StatusNoAnswer, CauseTimeout, "nobody answered within "+c.timeout.String())
		}
	})
	extra := url.Values{"ApplicationSid": {app.Sid}}
	for _, p := range d.params {
		extra.Add(appParamPrefix+p.Name, p.Value)
	}
	if len(d.params) > 0 {
		e.tracef(in, KindDial, "%s carries the <Parameter>s %s to TwiML App %s", e.name(c), paramList(d.params), wire.Short(app.Sid))
	}
	e.startApp(in, app, extra, wire.Short(c.Sid)+" dialed TwiML App "+wire.Short(app.Sid))
}
