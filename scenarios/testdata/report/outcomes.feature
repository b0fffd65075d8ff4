Feature: Every outcome a report shows
  A small suite for the reports' golden files: a pass, an expected failure,
  an unexpected pass, a failure, an undefined step, and an outline.

  Background:
    Given the customer has called the support line and is talking to the agent

  Scenario: A pass
    Then both calls are in progress

  @xfail-redirect @pitfall-parent-redirect
  Scenario: An expected failure
    When the agent puts the customer on hold
    Then the customer hears hold music
    And the agent hears silence
    And both calls are in progress

  @xfail-conference @pitfall-made-up
  Scenario: An unexpected pass
    Then both calls are in progress

  Scenario: A failure
    When the agent puts the customer on hold
    Then the agent hears hold music
    And both calls are in progress

  Scenario: An undefined step
    When the agent does a "little dance" | with <angle> & ampersand
    Then both calls are in progress

  Scenario Outline: An outline, <who> hangs up
    When the <who> hangs up
    Then all calls have ended

    Examples:
      | who      |
      | customer |
      | agent    |
