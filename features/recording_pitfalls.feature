@platform
Feature: The pitfalls of recording a call that goes on hold
  What Twilio records when a recorded call is put on hold, and what pausing
  does. These scenarios drive the fake directly, with no strategy.

  Background:
    Given the app answers "/hold" with:
      """
      <Response><Play loop="0">{music}</Play></Response>
      """

  @pitfall-recording-hold-music
  Scenario: A recording of the customer's call records the hold music
    What goes wrong: a recording of the customer's call records what the
    customer hears, so while the customer is on hold it records the hold
    music, for as long as the hold lasts. Instead: pause the recording with
    PauseBehavior=skip when the hold starts, and resume the same recording
    (by its SID, or Twilio.CURRENT on the same call) when it ends.
    https://www.twilio.com/docs/voice/api/recording#update-a-recording-resource

    Given the support line answers with:
      """
      <Response><Dial><Conference>room</Conference></Dial></Response>
      """
    And the customer has called the support line
    And the agent has joined conference "room"
    And the call is being recorded
    When the app holds the customer in conference "room" with hold music "/hold"
    And 30 seconds pass
    Then the customer hears hold music
    And the recording is in progress
    And the recording contains hold music

  Scenario: Paused with PauseBehavior=silence, the hold stays in the recording as silence
    Given the support line answers with:
      """
      <Response><Dial><Conference>room</Conference></Dial></Response>
      """
    And the customer has called the support line
    And the agent has joined conference "room"
    And the call is being recorded
    When 10 seconds pass
    And the app pauses the recording of the customer's call with PauseBehavior "silence"
    And the app holds the customer in conference "room" with hold music "/hold"
    And 30 seconds pass
    And the app takes the customer off hold in conference "room"
    And the app resumes the recording of the customer's call
    And 10 seconds pass
    And the customer hangs up
    Then the recording contains no hold music
    And the recording is 55 seconds long

  Scenario: A <Dial record> recording is on the caller's leg, not on the agent's
    Given the support line answers with:
      """
      <Response><Dial record="record-from-answer-dual">{agent}</Dial></Response>
      """
    And the customer has called the support line
    When the app pauses the recording of the agent's call
    Then Twilio answers with error 20404
    When the app pauses the recording of the customer's call
    Then the recording is paused
