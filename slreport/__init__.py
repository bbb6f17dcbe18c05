"""slreport: contact-center service-level reporting from call-detail-record exports.

The pipeline is the architecture: ``ingest`` → canonical contact table (``schema``) →
``metrics`` → ``render``. ``analysis.analyze`` runs it end to end and returns the report
as a plain dict (the JSON contract); ``cli`` is the command-line front end.
"""

__version__ = "0.1.0"
