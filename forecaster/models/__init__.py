"""Demand forecasting: models, their error distributions and promotion effects."""
