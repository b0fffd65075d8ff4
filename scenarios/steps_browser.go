package scenarios

import (
	"context"
	"fmt"

	"github.com/holdlab/holdlab/fakeapi/sim"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"
)

// sdkCaller is a backend on which a Voice SDK device can place a call: the
// fake, whose devices are simulated. On Twilio such a call needs a real
// browser, so the step says ErrNeedsFake there.
type sdkCaller interface {
	// placeSDKCall has the device of identity call a TwiML App whose
	// VoiceUrl is voiceURL, with the SDK's custom parameters, and returns
	// the call's SID.
	placeSDKCall(ctx context.Context, identity, voiceURL string, params map[string]string) (string, error)
}

var _ sdkCaller = (*fakeBackend)(nil)

// placeSDKCall creates the TwiML App through the REST API, as an app's
// setup would, registers the device, and places its call
// (https://www.twilio.com/docs/voice/sdks/javascript/twiliodevice#deviceconnectconnectoptions).
func (b *fakeBackend) placeSDKCall(_ context.Context, identity, voiceURL string, params map[string]string) (string, error) {
	app, err := b.client().CreateApplication(new(openapi.CreateApplicationParams).
		SetFriendlyName("browser agents").SetVoiceUrl(voiceURL))
	if err != nil {
		return "", fmt.Errorf("create the TwiML App: %w", err)
	}
	if err := b.f.RegisterClient(identity, sim.PhoneScript{}); err != nil {
		return "", fmt.Errorf("register the device of %s: %w", identity, err)
	}
	sid, err := b.f.PlaceClientCall(identity, deref(app.Sid), params)
	if err != nil {
		return "", fmt.Errorf("the device of %s calls the TwiML App: %w", identity, err)
	}
	return sid, nil
}

// browserSteps defines the steps of agents on the Voice SDK.
func (w *world) browserSteps(l *stepList) {
	l.section("Agents in the browser (Voice SDK)")
	l.add(`^the agent, in the browser as client:([A-Za-z0-9_.-]+), calls the customer through the app$`,
		"the agent, in the browser as client:alice, calls the customer through the app", w.agentCallsFromBrowser)
}

// agentCallsFromBrowser has the agent's Voice SDK device call the app's
// TwiML App (VoiceUrl: the scenario's voice URL) with the custom parameter
// To set to the customer's number, as a browser softphone's
// device.connect({params: {To}}) does. From then on the agent is
// client:identity in this scenario.
func (w *world) agentCallsFromBrowser(identity string) error {
	sc, ok := w.be.(sdkCaller)
	if !ok {
		return fmt.Errorf("a Voice SDK device's call: %w", ErrNeedsFake)
	}
	sid, err := sc.placeSDKCall(w.ctx, identity, w.voiceURL(), map[string]string{"To": w.cast.Customer})
	if err != nil {
		return err
	}
	w.cast.Agent = "client:" + identity
	w.first, w.inbound = sid, false
	return w.be.settle(w.ctx, settle)
}
