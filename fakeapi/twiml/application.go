package twiml

// <Dial><Application> and the <Parameter> elements of <Client> and
// <Application>: https://www.twilio.com/docs/voice/twiml/dial/application,
// https://www.twilio.com/docs/voice/twiml/client.

// Parameter is a custom parameter (<Parameter name="…" value="…"/>) that a
// <Client> or <Application> noun passes on.
type Parameter struct {
	Name  string
	Value string
}

// Application dials a TwiML App of the account: Twilio requests the App's
// Voice URL for the new leg, as for a call to a number configured with it.
type Application struct {
	Node
	// ApplicationSid is the AP… SID, from <ApplicationSid> or the element's
	// own text.
	ApplicationSid string
	// URL, if set, runs on the called side after it answers and before the
	// bridge, as <Number url> does.
	URL    string
	Method string // default POST
	// CopyParentTo sends the parent call's To as the new leg's To; by
	// default its To is the App's SID.
	CopyParentTo bool
	// CustomerID is the customerId attribute (accepted, not modelled).
	CustomerID string
	StatusCallbacks
	Params []Parameter
}

// Name returns "Application".
func (*Application) Name() string { return "Application" }

func (p *parser) application(k child) *Application {
	p.checkAttrs(k)
	a := &Application{
		Node:            k.node(),
		URL:             p.str(k, "url"),
		Method:          p.method(k, "method"),
		CopyParentTo:    p.boolean(k, "copyParentTo", false),
		CustomerID:      p.str(k, "customerId"),
		StatusCallbacks: p.statusCallbacks(k),
	}
	haveSid := false
	text := p.content(k, true, func(c child) {
		switch c.name {
		case "Parameter":
			a.Params = p.parameter(c, a.Params)
		case "ApplicationSid":
			p.checkAttrs(c)
			v := p.content(c, true, nil)
			if haveSid {
				p.warnf(c.path, "more than one <ApplicationSid> in <Application>; skipped")
				return
			}
			a.ApplicationSid, haveSid = v, true
		default:
			p.skip(c, "Application")
		}
	})
	if !haveSid {
		a.ApplicationSid = text
	}
	if a.ApplicationSid == "" {
		p.warnf(k.path, "<Application> names no TwiML App (no <ApplicationSid>)")
	}
	return a
}

// parameter reads a <Parameter> element and appends it to params; one
// without a name is skipped with a warning.
func (p *parser) parameter(k child, params []Parameter) []Parameter {
	p.checkAttrs(k)
	p.content(k, false, nil)
	name := p.str(k, "name")
	if name == "" {
		p.warnf(k.path, "<Parameter> without a name; skipped")
		return params
	}
	return append(params, Parameter{Name: name, Value: p.str(k, "value")})
}
