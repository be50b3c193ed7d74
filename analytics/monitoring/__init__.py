"""防返贫监测预警: rules over department clues (``rules``), a risk score with reasons (``score``) and its rolling-origin
backtest against the returns that followed (``backtest``; ``python -m analytics.monitoring backtest``)."""
