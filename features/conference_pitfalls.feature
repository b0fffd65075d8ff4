@platform
Feature: The pitfalls of conference hold
  Conference hold is the recommended way, and it has pitfalls of its own.
  These scenarios drive the fake directly, with no strategy.

  Background:
    Given the support line answers with:
      """
      <Response><Dial><Conference statusCallback="/events" statusCallbackEvent="start end join leave hold">room</Conference></Dial></Response>
      """
    And the customer has called the support line
    And the agent has joined conference "room"

  @pitfall-bare-audio-holdurl
  Scenario: A HoldUrl that is a bare audio file plays once, then silence
    What goes wrong: a HoldUrl that answers with an audio file plays it
    once; after that the held party hears silence for the rest of the hold.
    Instead: point HoldUrl at TwiML with <Play loop="0"> (next scenario).
    https://www.twilio.com/docs/voice/api/conference-participant-resource

    Given the app serves audio at "/music.mp3"
    When the app holds the customer in conference "room" with hold music "/music.mp3"
    Then the customer hears hold music
    And the agent hears silence
    When 31 seconds pass
    Then the customer hears silence

  Scenario: Hold music TwiML with a loop plays for as long as the hold lasts
    Given the app answers "/hold" with:
      """
      <Response><Play loop="0">{music}</Play></Response>
      """
    When the app holds the customer in conference "room" with hold music "/hold"
    And 1 hour passes
    Then the customer hears hold music
    And Twilio shows the customer on hold
    And the app received a conference event "participant-hold"

  @pitfall-hold-twiml-13238
  Scenario: A verb other than Play, Say, Pause or Redirect in hold music TwiML is error 13238
    What goes wrong: hold, wait and announcement TwiML may only use <Play>,
    <Say>, <Pause> and <Redirect>. Another verb (<Dial>, <Gather>,
    <Hangup>) is error 13238, and the held party is left in silence.
    Instead: keep hold music TwiML to those four verbs; do anything else
    after unholding, on the call itself.
    https://www.twilio.com/docs/api/errors/13238

    Given the app answers "/bad-hold" with:
      """
      <Response><Say>Please hold</Say><Dial>{agent}</Dial></Response>
      """
    When the app holds the customer in conference "room" with hold music "/bad-hold"
    And 10 seconds pass
    Then the trace shows error 13238
    And the customer hears silence

  @pitfall-participant-redirect
  Scenario: Redirecting a participant's call takes it out of the conference
    What goes wrong: giving a participant's call new TwiML (POST
    /Calls/{Sid} with Url) takes it out of the conference at once: it is no
    longer a participant, and "hold" this way loses the seat (and, with
    endConferenceOnExit, ends the room for everyone).
    Instead: update the Participant resource (Hold, HoldUrl, Muted).
    https://www.twilio.com/docs/voice/api/conference-participant-resource

    Given the app answers "/elsewhere" with:
      """
      <Response><Say>You have left the room</Say><Pause length="60"/></Response>
      """
    When the app redirects the customer's leg to "/elsewhere"
    Then conference "room" has 1 participant
    And the agent hears silence
    And the customer's call is in progress

  @pitfall-end-conference-on-exit
  Scenario: A participant with endConferenceOnExit takes everyone down when it leaves
    What goes wrong: when a participant with endConferenceOnExit leaves
    (hangs up, is kicked, or is redirected), the conference ends and every
    other participant's call moves on or ends.
    Instead: set endConferenceOnExit only on the party whose leaving should
    end the call, never on someone who may be moved or put on hold.
    https://www.twilio.com/docs/voice/twiml/conference

    Given the app has added the supervisor to conference "room" with endConferenceOnExit
    When 10 seconds pass
    And the supervisor hangs up
    Then all calls have ended
