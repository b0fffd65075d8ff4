@platform
Feature: The pitfalls of recording a call that goes on hold
  What Twilio records when a recorded call is put on hold, and what pausing
  does. These scenarios drive the fake directly, with no strategy.

  Background:
    Given the app answers "/hold" with:
      """
      <Response><Play loop="0">{music}</Play></Response>
      """

  Scenario: A recording of the customer's call records the hold music
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
