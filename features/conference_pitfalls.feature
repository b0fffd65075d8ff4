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

  Scenario: A HoldUrl that is a bare audio file plays once, then silence
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

  Scenario: A verb other than Play, Say, Pause or Redirect in hold music TwiML is error 13238
    Given the app answers "/bad-hold" with:
      """
      <Response><Say>Please hold</Say><Dial>{agent}</Dial></Response>
      """
    When the app holds the customer in conference "room" with hold music "/bad-hold"
    And 10 seconds pass
    Then the trace shows error 13238
    And the customer hears silence

  Scenario: Redirecting a participant's call takes it out of the conference
    Given the app answers "/elsewhere" with:
      """
      <Response><Say>You have left the room</Say><Pause length="60"/></Response>
      """
    When the app redirects the customer's leg to "/elsewhere"
    Then conference "room" has 1 participant
    And the agent hears silence
    And the customer's call is in progress

  Scenario: A participant with endConferenceOnExit takes everyone down when it leaves
    Given the app has added the supervisor to conference "room" with endConferenceOnExit
    When 10 seconds pass
    And the supervisor hangs up
    Then all calls have ended
