"""Monthly briefing: slides as data, the PPTX deck, the Excel workbook and static maps."""
