@platform
Feature: Agents in the browser
  Most contact-centre agents take calls in a browser, on Twilio's Voice SDK:
  the agent's call is an inbound call from client:<identity> to the account's
  TwiML App, whose VoiceUrl receives the SDK's custom parameters as form
  fields (https://www.twilio.com/docs/voice/sdks/javascript/twiliodevice).
  The app answers with TwiML that dials the customer, and the two legs are a
  parent (the browser) and a child (the customer), as with a phone.

  Scenario: A browser agent's call reaches the app with the SDK's parameters and dials the customer
    Given the app answers "/voice" with:
      """
      <Response><Dial action="/after">{customer}</Dial></Response>
      """
    When the agent, in the browser as client:alice, calls the customer through the app
    Then the app received "/voice" with From "client:alice"
    And the app received "/voice" with Direction "inbound"
    And the app received "/voice" with To "{customer}"
    And the customer and the agent hear each other
