@platform
Feature: The pitfalls of moving <Dial> legs
  What Twilio does when an app redirects one leg of a <Dial>. These
  scenarios use no strategy: they drive the fake with TwiML and REST calls
  directly, to show the behaviour every call-leg strategy must work around.

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

  Scenario: Redirecting the child hangs up a parent with no action and no next verb
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

  Scenario: An empty Response from a Dial action ends the parent
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

  Scenario: Status=canceled does nothing to a ringing Dial child
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

  Scenario: Redirecting a call that has ended is Twilio's 21220
    Given the support line answers with:
      """
      <Response><Dial>{agent}</Dial></Response>
      """
    And the customer has called the support line and is talking to the agent
    When the customer hangs up
    And the app redirects the agent's leg to "/hold"
    Then Twilio answers with error 21220
