"""Guided checks as data: one YAML file per check."""
