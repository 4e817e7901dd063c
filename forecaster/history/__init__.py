"""The run history: every weekly run archived in an embedded DuckDB file.

:mod:`~forecaster.history.store` opens the archive and appends a run in one
transaction; :mod:`~forecaster.history.record` turns a plan into the rows it
stores; :mod:`~forecaster.history.accuracy` sets archived forecasts against the
sales that came (bias, WAPE, MASE by lag, the tracking signal, the value added
over seasonal naive); :mod:`~forecaster.history.changes` says what changed
since last week's run and why; :mod:`~forecaster.history.review` chains them
for a run.
"""
