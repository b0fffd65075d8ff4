@platform
Feature: More pitfalls of hold music, conferences and webhooks
  Each scenario shows one pitfall of the catalogue (tag @pitfall-<name>):
  what Twilio does, as the scenario's expectation, so it passes. Its text
  says what goes wrong, what to do instead, and where Twilio documents it.
  No strategy runs here: the app is raw TwiML and REST calls.

  @pitfall-conference-waiturl-silence
  Scenario: Conference wait music TwiML goes silent when it runs out of verbs
    What goes wrong: a conference's waitUrl TwiML plays once; when it runs
    out of verbs the caller waits in silence and Twilio does not ask for it
    again. An <Enqueue> waitUrl, by contrast, is fetched again (next
    scenario), so code copied from a queue goes quiet in a conference.
    Instead: end the wait TwiML with a <Redirect> to itself, or use
    <Play loop="0">.
    https://www.twilio.com/docs/voice/twiml/conference

    Given the support line answers with:
      """
      <Response><Dial><Conference waitUrl="/wait">room</Conference></Dial></Response>
      """
    And the app answers "/wait" with:
      """
      <Response><Play>{music}</Play></Response>
      """
    And the customer has called the support line
    Then the customer hears hold music
    When 40 seconds pass
    Then the customer hears silence
    And the app received "/wait" once

  @pitfall-conference-waiturl-silence
  Scenario: An Enqueue waitUrl is fetched again when it runs out of verbs
    The same wait TwiML behind <Enqueue> loops: Twilio requests the waitUrl
    again each time it runs out.
    https://www.twilio.com/docs/voice/twiml/enqueue

    Given the support line answers with:
      """
      <Response><Enqueue waitUrl="/wait">support</Enqueue></Response>
      """
    And the app answers "/wait" with:
      """
      <Response><Play>{music}</Play></Response>
      """
    And the customer has called the support line
    When 40 seconds pass
    Then the customer hears hold music
    And the app received "/wait" more than once

  @pitfall-unescaped-ampersand-12100
  Scenario: An unescaped & in a TwiML attribute fails the whole document
    What goes wrong: a URL with a query string pasted into an attribute
    (waitUrl="/wait?room=support&music=jazz") is not well-formed XML. Twilio
    cannot parse the document (error 12100), runs none of it, and the
    caller hears "We're sorry, an application error has occurred".
    Instead: write &amp; in attributes, or build TwiML with a library that
    escapes for you; set a fallback URL.
    https://www.twilio.com/docs/api/errors/12100

    Given the support line answers with:
      """
      <Response><Dial><Conference waitUrl="/wait?room=support&music=jazz">room</Conference></Dial></Response>
      """
    When the customer calls the support line
    Then the trace shows error 12100
    And the customer heard the application error
    And the customer's call has ended

  @pitfall-unescaped-ampersand-12100
  Scenario: Writing &amp; keeps the document well-formed
    The same attribute, escaped: the caller waits in the conference with
    its music.
    https://www.twilio.com/docs/api/errors/12100

    Given the support line answers with:
      """
      <Response><Dial><Conference waitUrl="/wait?room=support&amp;music=jazz">room</Conference></Dial></Response>
      """
    And the app answers "/wait" with:
      """
      <Response><Play loop="0">{music}</Play></Response>
      """
    When the customer calls the support line
    Then the customer hears hold music
    And the app received "/wait" with music "jazz"

  @pitfall-duplicate-label-16025
  Scenario: A participantLabel already in the conference: the caller does not join
    What goes wrong: participant labels must be unique in a conference.
    Here the support line labels its caller "agent", a label the agent
    already has: Twilio reports error 16025, does not add the caller, and
    goes on with the next verb, so the caller hears the apology and is hung
    up instead of joining.
    Instead: derive labels from something unique (the call SID, a role and
    a ticket number), and handle the next verb or the Dial action as the
    failure path.
    https://www.twilio.com/docs/voice/twiml/conference

    Given the support line answers with:
      """
      <Response><Dial><Conference participantLabel="agent">room</Conference></Dial><Say>Sorry, we could not connect you</Say></Response>
      """
    And the agent has joined conference "room"
    When the customer calls the support line
    Then the trace shows error 16025
    And the customer heard "Sorry, we could not connect you"
    And the customer's call has ended
    And conference "room" has 1 participant

  @pitfall-signature-behind-proxy
  Scenario: Validating the signature against the wrong URL refuses Twilio itself
    What goes wrong: behind a proxy or a load balancer the app sees its own
    address (http://10.0.0.7:8080/voice), not the public URL Twilio
    requested and signed. Checking X-Twilio-Signature against it fails,
    the app answers 403, Twilio reports 11200, and the caller hears the
    application error.
    Instead: validate against the public URL Twilio requested (configure
    it, or rebuild it from X-Forwarded-Proto and X-Forwarded-Host).
    https://www.twilio.com/docs/usage/webhooks/webhooks-security

    Given the support line answers with:
      """
      <Response><Dial>{agent}</Dial></Response>
      """
    And the app checks Twilio's signature against the URL "http://10.0.0.7:8080"
    When the customer calls the support line
    Then the trace shows error 11200
    And the customer heard the application error
    And the customer's call has ended

  @pitfall-signature-behind-proxy
  Scenario: Validating the signature against the URL Twilio requested accepts it
    The same app, checking against the public URL: Twilio's request passes
    and the call goes through.
    https://www.twilio.com/docs/usage/webhooks/webhooks-security

    Given the support line answers with:
      """
      <Response><Dial>{agent}</Dial></Response>
      """
    And the app checks Twilio's signature against the URL Twilio requested
    When the customer calls the support line
    Then the customer and the agent hear each other

  @pitfall-hold-wrong-participant
  Scenario: Holding the wrong participant puts the agent on hold music
    What goes wrong: a UI that keys hold off the wrong leg (the agent's own
    call, or "the participant that is not me" computed on the wrong side)
    holds the agent's participant. The agent hears hold music and cannot
    talk; the customer, who was meant to hear music, waits in silence.
    Instead: find the participant to hold by the customer's call SID or its
    participantLabel, and check what the participant resource says.
    https://www.twilio.com/docs/voice/api/conference-participant-resource

    Given the support line answers with:
      """
      <Response><Dial><Conference participantLabel="customer">room</Conference></Dial></Response>
      """
    And the app answers "/hold" with:
      """
      <Response><Play loop="0">{music}</Play></Response>
      """
    And the customer has called the support line
    And the agent has joined conference "room"
    When the app holds the agent in conference "room" with hold music "/hold"
    Then the agent hears hold music
    And the customer hears silence
