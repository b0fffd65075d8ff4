Feature: Putting a customer on hold
  An agent puts a customer on hold: the customer hears hold music while the
  agent is free (the agent hears silence), and taking the customer off hold
  lets them talk again. Every scenario here runs against every strategy.

  The naive redirect strategy is expected to fail where its pitfall bites,
  and says so with an @xfail-redirect tag and the pitfall it demonstrates.

  Background:
    Given the customer has called the support line and is talking to the agent

  @xfail-redirect @pitfall-parent-redirect
  Scenario: Hold: the customer hears music and the agent is free
    When the agent puts the customer on hold
    Then the strategy reports no error
    And the customer hears hold music
    And the agent hears silence
    And both calls are in progress
    And Twilio shows the customer on hold

  @xfail-redirect @pitfall-parent-redirect
  Scenario: Unhold: they talk again
    Given the agent has put the customer on hold
    When 30 seconds pass
    And the agent takes the customer off hold
    Then the strategy reports no error
    And the customer and the agent hear each other
    And both calls are in progress
    And nobody is on hold in Twilio

  @xfail-redirect @pitfall-parent-redirect
  Scenario: Hold twice is the same as holding once
    Given the agent has put the customer on hold
    When the agent puts the customer on hold
    Then the strategy reports no error
    And the customer hears hold music
    And the agent hears silence

  Scenario: Unhold when nobody is on hold changes nothing
    When the agent takes the customer off hold
    Then the strategy reports that nobody is on hold
    And the customer and the agent hear each other

  @xfail-redirect @pitfall-parent-redirect
  Scenario: Hold, unhold, and hold again
    Given the agent has put the customer on hold
    And the agent has taken the customer off hold
    When the agent puts the customer on hold
    Then the strategy reports no error
    And the customer hears hold music
    And the agent hears silence
    When the agent takes the customer off hold
    Then the customer and the agent hear each other

  @xfail-redirect @pitfall-child-redirect
  Scenario: The agent can be the one on hold, while the customer waits in silence
    When the agent is put on hold
    Then the strategy reports no error
    And the agent hears hold music
    And the customer hears silence
    And both calls are in progress
    When the agent is taken off hold
    Then the customer and the agent hear each other

  @xfail-redirect @pitfall-parent-redirect
  Scenario: An hour on hold
    Given the agent has put the customer on hold
    When 1 hour passes
    Then the customer hears hold music
    And the customer has heard hold music for the last 1 hour
    And both calls are in progress
    When the agent takes the customer off hold
    Then the customer and the agent hear each other

  Scenario: The customer hangs up while on hold
    Given the agent has put the customer on hold
    When 10 seconds pass
    And the customer hangs up
    Then all calls have ended

  @xfail-redirect @pitfall-parent-redirect
  Scenario: The agent hangs up while the customer is on hold
    Given the agent has put the customer on hold
    When 10 seconds pass
    And the agent hangs up
    Then all calls have ended

  Scenario: Unhold races the customer hanging up
    Given the agent has put the customer on hold
    When the customer hangs up at the same moment as the agent takes the customer off hold
    Then the strategy reports that the call has already ended
    And all calls have ended
