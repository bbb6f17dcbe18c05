"""stdout: the report as a terminal table, markdown, CSV or JSON, from one dispatch point."""
