@platform
Feature: Faults on demand
  An app must cope when Twilio has a bad day: a REST request refused with
  429 (rate limiting) or 500, a phone that is busy or never answers, a line
  that drops in the middle of a call. These steps make the fake misbehave
  on purpose, so that a scenario shows what Twilio then does.

  Scenario: Rate-limited call updates are refused and change nothing
    Given the support line answers with:
      """
      <Response><Dial action="/held">{agent}</Dial></Response>
      """
    And the app answers "/held" with:
      """
      <Response><Play loop="0">{music}</Play></Response>
      """
    And the app answers "/hold" with:
      """
      <Response><Play loop="0">{music}</Play></Response>
      """
    And the customer has called the support line and is talking to the agent
    And Twilio answers the next 2 call updates with 429
    When the app redirects the agent's leg to "/hold"
    Then Twilio answers with error 20429
    And the customer and the agent hear each other
    When the app redirects the agent's leg to "/hold"
    Then Twilio answers with error 20429
    When the app redirects the agent's leg to "/hold"
    Then the agent hears hold music
    And the customer hears hold music
    And the trace shows error 20429

  Scenario: A server error until Twilio recovers
    Given the support line answers with:
      """
      <Response><Dial>{agent}</Dial></Response>
      """
    And the app answers "/hold" with:
      """
      <Response><Play loop="0">{music}</Play></Response>
      """
    And the customer has called the support line and is talking to the agent
    And Twilio answers every call update with 500
    When the app redirects the customer's leg to "/hold"
    Then Twilio answers with error 20500
    And both calls are in progress
    When Twilio works normally again
    And the app redirects the customer's leg to "/hold"
    Then the customer hears hold music
    And the agent's call has ended

  Scenario Outline: The agent's phone <how>
    Given the support line answers with:
      """
      <Response><Dial action="/after" timeout="20">{agent}</Dial></Response>
      """
    And the app answers "/after" with:
      """
      <Response><Say>Nobody can take your call, please call again</Say><Pause length="60"/></Response>
      """
    And the agent's phone <how>
    When the customer calls the support line
    And <seconds> seconds pass
    Then the app received "/after" with DialCallStatus "<status>"
    And the customer's call is in progress

    Examples:
      | how               | seconds | status    |
      | is busy           | 5       | busy      |
      | does not answer   | 30      | no-answer |
      | cannot be reached | 5       | failed    |

  Scenario: A slow API: the redirect lands after the agent's leg has ended
    Given the support line answers with:
      """
      <Response><Dial timeLimit="20" action="/after">{agent}</Dial></Response>
      """
    And the app answers "/after" with:
      """
      <Response><Pause length="600"/></Response>
      """
    And the app answers "/hold" with:
      """
      <Response><Play loop="0">{music}</Play></Response>
      """
    And the customer has called the support line and is talking to the agent
    And Twilio takes 30 seconds to answer the next 1 call update
    When the app redirects the agent's leg to "/hold"
    Then Twilio answers with error 21220
    And the agent's call has ended

  Scenario: A dropped connection: the redirect never arrived
    Given the support line answers with:
      """
      <Response><Dial>{agent}</Dial></Response>
      """
    And the app answers "/hold" with:
      """
      <Response><Play loop="0">{music}</Play></Response>
      """
    And the customer has called the support line and is talking to the agent
    And Twilio drops the connection of the next 1 call update
    When the app redirects the agent's leg to "/hold"
    Then the app's request got no answer
    And the customer and the agent hear each other

  Scenario: The agent's line drops in the middle of the call
    Given the support line answers with:
      """
      <Response><Dial>{agent}</Dial></Response>
      """
    And the customer has called the support line and is talking to the agent
    When the agent's line drops
    Then the agent's call has ended
    And the customer's call has ended
