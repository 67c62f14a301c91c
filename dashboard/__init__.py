"""The ropagraph dashboard: a Streamlit app over the graph store ('ropagraph dashboard').

Pages live in :mod:`dashboard.app_pages`; they only lay out widgets. What a page shows comes
from graph/ and loaders/ through the small helper modules here (cached store access, the graph
drawing, safe uploads and downloads).
"""
