"""Every figure the dashboard shows: pure query functions over a DuckDB connection (no Streamlit)."""
