"""forecaster: a weekly replenishment planner for online merchants.

The package is a library of pure stages chained by :func:`forecaster.pipeline.run`;
``forecaster.cli`` is a thin typer front end over it.
"""

__version__ = "0.1.0"
