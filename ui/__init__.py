"""Streamlit glue shared by the pages: the cached connection and the dataset notice."""
