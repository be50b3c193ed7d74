"""Benchmarks: our analytics against a naive pandas baseline, with time floors; see python -m bench."""
