"""Small sampling helpers shared by the generator modules."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np


def apportion(total: int, weights: Sequence[float]) -> np.ndarray:
    """Integers proportional to ``weights`` that add up to exactly ``total`` (largest remainder)."""
    w = np.asarray(weights, dtype=float)
    quotas = total * w / w.sum()
    counts = np.floor(quotas).astype(np.int64)
    short = total - counts.sum()
    counts[np.argsort(-(quotas - counts), kind="stable")[:short]] += 1
    return np.asarray(counts)


def choose(rng: np.random.Generator, shares: Mapping[Any, float], n: int) -> np.ndarray:
    """``n`` keys of ``shares`` drawn with probabilities proportional to its values."""
    keys = np.empty(len(shares), dtype=object)
    keys[:] = list(shares)
    p = np.asarray(list(shares.values()), dtype=float)
    return keys[rng.choice(len(keys), size=n, p=p / p.sum())]


def months_after(rng: np.random.Generator, start: np.ndarray, annual_rate: np.ndarray) -> np.ndarray:
    """Month of a first event after ``start`` for a constant annual hazard (float; may exceed 2020-12)."""
    waited = rng.exponential(12.0 / np.asarray(annual_rate, dtype=float), size=len(start))
    return np.floor(np.asarray(start, dtype=float) + 1 + waited)
