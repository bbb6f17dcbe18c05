"""The --out folder: atomic publishing, table files, charts, report.html."""
