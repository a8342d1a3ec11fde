"""Documents to download and keep: PDFs rendered from our own templates."""
