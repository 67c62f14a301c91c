"""The privacy notice's renderer as it was before issue 15's streamed Word writer (commit
b376ab8), verbatim: python-docx objects per heading, paragraph and run, re-zipped with fixed
times. tests/test_notice_docx_stream.py compares the new Word output with its ``render_docx``
byte for byte (Markdown and HTML did not change, so its templates are not copied); nothing
else imports it."""
