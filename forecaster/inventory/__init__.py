"""Inventory health, alerts, slow-mover grades and replenishment."""
