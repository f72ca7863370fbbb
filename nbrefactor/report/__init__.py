"""Reporters: the only modules besides the CLI that produce user-facing text."""
