"""The report's sections, each declared once."""
