"""Options: the report settings, slreport.toml, periods, opening hours, and one parser per option value
(values.py) that the command line and slreport.toml share. Imports nothing above errors, schema and queueing."""
