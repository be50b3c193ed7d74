"""Synthetic roster generation: one module per table family."""
