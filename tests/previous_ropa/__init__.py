"""The ROPA renderers as they were before issue 15's streaming writers (commit fafa0af),
verbatim: python-docx objects per element (to_docx.py), Jinja2 rendering the whole page as one
string (to_html.py and templates/) and the XLSX re-packed after openpyxl wrote it (to_xlsx.py).
Tests compare the new writers' output with these, so the documents provably stay the same;
nothing else imports them."""
