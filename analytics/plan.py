"""Fixed facts of the plan (青政发〔2017〕24号) that analytics rely on."""

from __future__ import annotations

import datetime as dt

BASELINE = dt.date(2015, 12, 1)  # the plan's base year ends 2015-12; stocks start from here
# Targets without a deadline of their own are judged at the end of the plan period.
DEFAULT_DEADLINE = dt.date(2020, 12, 31)
HOUSEHOLD_STAGE_DEADLINE = dt.date(2016, 12, 31)  # all registered households and persons exit
PLACE_STAGE_DEADLINE = dt.date(2017, 12, 31)  # all villages and weak towns exit
