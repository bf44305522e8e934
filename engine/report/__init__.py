"""The monthly review as documents: HTML and PDF from templates/report/, the Excel annex."""
