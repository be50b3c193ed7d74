"""防返贫 monitoring cases: the workflow (``workflow``), its store beside the roster (``store``) and the one write
path (``service``)."""
