"""The ROPA renderers as they were before issue 15's streaming writers (commit fafa0af),
verbatim: python-docx objects per element (to_docx.py) and Jinja2 rendering the whole page as one
string (to_html.py and templates/). Tests compare the new writers' output with these, so the
documents provably stay the same; nothing else imports them."""
