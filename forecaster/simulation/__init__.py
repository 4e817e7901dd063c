"""``forecaster simulate``: replay the weekly plan on the shop's own history.

* :mod:`~forecaster.simulation.ledger` -- stock on hand and in transit of
  several policies side by side, day by day;
* :mod:`~forecaster.simulation.rule` -- the planner's current rule of thumb;
* :mod:`~forecaster.simulation.replay` -- the replay itself: plan on each
  review date with the data of that date, order, receive, serve;
* :mod:`~forecaster.simulation.outcome` -- fill rate, stock, orders and the
  exchange curve, overall, per ABC class, per SKU and per week.
"""
