Feature: Both call directions
  Hold must work whoever placed the call. When the customer calls the
  support line, the customer's leg comes first and the agent's hangs off it;
  when the agent calls the customer, it is the other way round, and the leg
  a strategy may safely move is the other one.

  @xfail-redirect
  Scenario Outline: Hold and unhold on an <direction> call
    Given <setup>
    When the agent puts the customer on hold
    Then the strategy reports no error
    And the customer hears hold music
    And the agent hears silence
    When 2 minutes pass
    And the agent takes the customer off hold
    Then the customer and the agent hear each other
    And both calls are in progress

    @pitfall-parent-redirect
    Examples: the customer called: the customer's leg is the parent
      | direction | setup                                                                |
      | inbound   | the customer has called the support line and is talking to the agent |

    @pitfall-child-redirect
    Examples: the agent called: the customer's leg is the child
      | direction | setup                                                  |
      | outbound  | the agent has called the customer and they are talking |
