@platform
Feature: The pitfalls of moving <Dial> legs
  What Twilio does when an app redirects one leg of a <Dial>. These
  scenarios use no strategy: they drive the fake with TwiML and REST calls
  directly, to show the behaviour every call-leg strategy must work around.

  @pitfall-parent-redirect
  Scenario: Redirecting the parent leg hangs up the child
    What goes wrong: giving the parent leg of a <Dial> (here the customer,
    who called in) new TwiML ends its <Dial>, and Twilio hangs up the
    child: "hold" by redirecting the customer drops the agent.
    Instead: hold in a conference (Participant Hold), or redirect only the
    child, with a <Dial action> that keeps the parent.
    https://www.twilio.com/docs/voice/twiml/dial

    Given the support line answers with:
      """
      <Response><Dial>{agent}</Dial></Response>
      """
    And the app answers "/hold" with:
      """
      <Response><Play loop="0">{music}</Play></Response>
      """
    And the customer has called the support line and is talking to the agent
    When the app redirects the customer's leg to "/hold"
    Then the customer hears hold music
    And the agent's call has ended

  @pitfall-child-redirect
  Scenario: Redirecting the child hangs up a parent with no action and no next verb
    What goes wrong: redirecting the child leg ends the parent's <Dial>;
    with no action URL and no verb after the <Dial>, the parent's TwiML
    has run out and Twilio hangs up the parent.
    Instead: give the <Dial> an action that keeps the parent busy (next
    scenario), or hold in a conference.
    https://www.twilio.com/docs/voice/twiml/dial#action

    Given the support line answers with:
      """
      <Response><Dial>{agent}</Dial></Response>
      """
    And the app answers "/hold" with:
      """
      <Response><Play loop="0">{music}</Play></Response>
      """
    And the customer has called the support line and is talking to the agent
    When the app redirects the agent's leg to "/hold"
    Then the agent hears hold music
    And the customer's call has ended

  Scenario: A Dial action keeps the parent alive when the child is redirected
    Given the support line answers with:
      """
      <Response><Dial action="/after">{agent}</Dial></Response>
      """
    And the app answers "/hold" with:
      """
      <Response><Pause length="600"/></Response>
      """
    And the app answers "/after" with:
      """
      <Response><Play loop="0">{music}</Play></Response>
      """
    And the customer has called the support line and is talking to the agent
    When the app redirects the agent's leg to "/hold"
    Then the customer hears hold music
    And the app received "/after" with DialCallStatus "completed"
    And the app received "/after" with DialBridged "true"
    And both calls are in progress

  @pitfall-empty-dial-action
  Scenario: An empty Response from a Dial action ends the parent
    What goes wrong: when the <Dial> ends, the parent runs what its action
    URL answers; an empty <Response/> (like <Hangup/>) has no verb to run,
    so Twilio hangs up the parent. There is no "do nothing" answer.
    Instead: answer the action with TwiML that keeps the caller, such as
    music followed by a <Redirect>, or a conference.
    https://www.twilio.com/docs/voice/twiml/dial#action

    Given the support line answers with:
      """
      <Response><Dial action="/after">{agent}</Dial></Response>
      """
    And the app answers "/hold" with:
      """
      <Response><Pause length="600"/></Response>
      """
    And the app answers "/after" with:
      """
      <Response/>
      """
    And the customer has called the support line and is talking to the agent
    When the app redirects the agent's leg to "/hold"
    Then the customer's call has ended
    And the agent's call is in progress

  @pitfall-cancel-ringing-child
  Scenario: Status=canceled does nothing to a ringing Dial child
    What goes wrong: Status=canceled ends only calls that are queued or
    ringing, and a ringing <Dial> child already counts as in progress: the
    request succeeds and the phone keeps ringing.
    Instead: end it with Status=completed (the Dial then ends canceled).
    https://www.twilio.com/docs/voice/api/call-resource#update-a-call-resource

    Given the agent's phone answers after 20 seconds
    And the support line answers with:
      """
      <Response><Dial action="/after">{agent}</Dial></Response>
      """
    When the customer calls the support line
    And the app cancels the agent's leg
    Then the agent's call is ringing
    When the app hangs up the agent's leg
    Then the agent's call has been canceled
    And the app received "/after" with DialCallStatus "canceled"

  @pitfall-redirect-ended-21220
  Scenario: Redirecting a call that has ended is Twilio's 21220
    What goes wrong: a leg can end between the moment the app looks and
    the moment it acts (the customer hangs up as the agent presses hold).
    Updating an ended call is HTTP 400, error 21220 "Call is not
    in-progress. Cannot redirect."
    Instead: treat 21220 as "the call is already gone", not as a failure
    to retry.
    https://www.twilio.com/docs/api/errors/21220

    Given the support line answers with:
      """
      <Response><Dial>{agent}</Dial></Response>
      """
    And the customer has called the support line and is talking to the agent
    When the customer hangs up
    And the app redirects the agent's leg to "/hold"
    Then Twilio answers with error 21220
