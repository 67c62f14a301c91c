"""The dashboard entry point, run by 'ropagraph dashboard' (or 'streamlit run' on this file).

Which store and record to show come from environment variables (see dashboard/settings.py and
docs/dashboard.md). This script only sets up navigation; each page is a file in app_pages/.
"""

from __future__ import annotations

import sys
from pathlib import Path

_ROOT = Path(__file__).resolve().parent.parent
if str(_ROOT) not in sys.path:  # running from a checkout without 'pip install -e .'
    sys.path.insert(0, str(_ROOT))

import streamlit as st  # noqa: E402

from dashboard import data  # noqa: E402
from dashboard.settings import SettingsError  # noqa: E402
from dashboard.uploads import discard  # noqa: E402
from dashboard.widgets import md  # noqa: E402

# (file, title). No icons: Streamlit fetches Material icons for the favicon from
# fonts.gstatic.com, and emoji need an emoji font; the dashboard must not reach the internet.
# (No bare strings in this script either: Streamlit's "magic" would print them.)
PAGES = (
    ("app_pages/overview.py", "Overview"),
    ("app_pages/explorer.py", "Graph explorer"),
    ("app_pages/lawful_basis.py", "Lawful basis"),
    ("app_pages/transfers.py", "Transfers"),
    ("app_pages/recipients.py", "Recipients & sources"),
    ("app_pages/findings.py", "Findings"),
    ("app_pages/breach.py", "Breach impact"),
    ("app_pages/where.py", "Where is it?"),
    ("app_pages/ropa.py", "ROPA"),
    ("app_pages/notice.py", "Privacy notice"),
    ("app_pages/console.py", "Cypher console"),
    ("app_pages/upload.py", "Load a record"),
)


def _back_to_default() -> None:
    source = data.active_source()
    data.use_source(None)
    if source.uploaded:
        discard(Path(source.db).parent)


def main() -> None:
    st.set_page_config(page_title="ropagraph", layout="wide")  # default icon: no CDN fetch
    try:
        source = data.active_source()
    except SettingsError as exc:
        st.error(f"The dashboard is misconfigured: {exc}")
        st.stop()
    navigation = st.navigation([st.Page(path, title=title) for path, title in PAGES])
    with st.sidebar:
        with st.expander("About"):  # the store path is for whoever runs the dashboard
            st.caption(f"Store: {md(source.title)}")
        if source.uploaded:
            st.info("This session shows an uploaded record.")
            st.button("Back to the default record", on_click=_back_to_default)
    navigation.run()


main()
