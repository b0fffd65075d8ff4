@platform
Feature: A platform scenario
  No strategy: raw TwiML.

  Scenario: Redirecting the parent leg hangs up the child
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
