@platform
Feature: Conference events are fixed by the first participant
  A conference takes its statusCallback and statusCallbackEvent from the
  first participant that joins; what later participants ask for is ignored.
  An app that subscribes to hold events only on the agent's side never hears
  of holds when the customer joined first.

  @pitfall-conference-events-first-participant
  Scenario: A later participant cannot subscribe the conference to hold events
    What goes wrong: statusCallback and statusCallbackEvent of a conference
    come from its first participant. The agent, joining second, asks for
    hold events; Twilio ignores it, and the app never hears of a hold.
    Instead: give every participant (TwiML and REST) the same callback
    settings, with every event the app needs.
    https://www.twilio.com/docs/voice/twiml/conference

    Given the support line answers with:
      """
      <Response><Dial><Conference statusCallback="/events" statusCallbackEvent="start end">room</Conference></Dial></Response>
      """
    And the app answers "/hold" with:
      """
      <Response><Play loop="0">{music}</Play></Response>
      """
    And the customer has called the support line
    And the agent has joined conference "room" asking for the conference events "start end join leave hold"
    When the app holds the customer in conference "room" with hold music "/hold"
    Then the customer hears hold music
    And the app received a conference event "conference-start"
    And the app did not receive a conference event "participant-hold"
    And the app did not receive a conference event "participant-join"
