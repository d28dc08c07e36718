"""PDF documents on reportlab: fonts, page layout, charts and one module per document.

documents.py is the entry point: pure functions returning the bytes of a PDF. They need
an application context (settings, translations) but no request.
"""
