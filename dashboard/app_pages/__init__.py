"""One Streamlit page per file, run by st.navigation from dashboard/streamlit_app.py.

Each file is a script that Streamlit executes on every rerun; each also runs on its own
(``AppTest.from_file``), so the benchmarks can time a page in isolation.
"""
