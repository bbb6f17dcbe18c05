"""Caller numbers: one SQL function every reader uses, so that repeat-caller logic sees one
caller however the phone system wrote the number.

``slr_caller(raw, country_code)``:
- takes the number out of a caller-id like ``"Name" <0401234567>`` or ``sip:+358…@host``;
- drops spaces, dashes, dots, slashes and brackets;
- anything that is not then digits (``anonymous``, ``unknown``, ``Restricted``, SIP user
  names), empty values and short internal extensions (6 digits or fewer) → NULL (withheld);
- ``+358401234567`` and ``00358401234567`` → ``+358401234567``; with ``--country FI`` also
  ``0401234567`` and ``358401234567`` → ``+358401234567``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

import duckdb

from slreport.errors import UsageError
from slreport.ingest.sql import quote_literal

MAX_EXTENSION_DIGITS = 6

# ISO 3166 alpha-2 → international calling code (the countries users have asked about, plus
# the large ones; extend as needed).
COUNTRY_CODES: dict[str, str] = {
    "FI": "358", "SE": "46", "NO": "47", "DK": "45", "IS": "354", "EE": "372", "LV": "371", "LT": "370",
    "DE": "49", "AT": "43", "CH": "41", "NL": "31", "BE": "32", "LU": "352", "FR": "33", "ES": "34",
    "PT": "351", "IT": "39", "IE": "353", "GB": "44", "PL": "48", "CZ": "420", "SK": "421", "HU": "36",
    "RO": "40", "BG": "359", "GR": "30", "HR": "385", "SI": "386", "RU": "7", "UA": "380", "TR": "90",
    "US": "1", "CA": "1", "MX": "52", "BR": "55", "AR": "54", "AU": "61", "NZ": "64", "IN": "91",
    "CN": "86", "JP": "81", "KR": "82", "SG": "65", "ZA": "27", "AE": "971", "IL": "972",
}

_MACROS = (
    # the part of a caller-id that holds the number, without separators
    r"""CREATE OR REPLACE MACRO slr_caller_clean(v) AS
        regexp_replace(
          regexp_replace(
            regexp_replace(
              CASE WHEN contains(v, '<') THEN regexp_extract(v, '<([^>]*)>', 1) ELSE v END,
              '^(sip|sips|tel):', '', 'i'),
            '@.*$', ''),
          '[\s\-\.\(\)/]', '', 'g')""",
    # a cleaned value → E.164 where the form allows, NULL when withheld or internal
    f"""CREATE OR REPLACE MACRO slr_caller_norm(c, cc) AS (
        CASE
          WHEN c IS NULL THEN NULL
          WHEN NOT regexp_full_match(c, '\\+?[0-9]+') THEN NULL
          WHEN length(replace(c, '+', '')) <= {MAX_EXTENSION_DIGITS} THEN NULL
          WHEN starts_with(c, '+') THEN c
          WHEN starts_with(c, '00') THEN '+' || substr(c, 3)
          WHEN cc IS NOT NULL AND starts_with(c, '0') THEN '+' || cc || substr(c, 2)
          WHEN cc IS NOT NULL AND starts_with(c, cc) AND length(c) >= length(cc) + 8 THEN '+' || c
          ELSE c
        END)""",
    # Macros are inlined: the lambda computes the (regex-heavy) cleaning once per value, and
    # values that are already plain digits skip it (6x faster on 1M rows than inlining it).
    r"""CREATE OR REPLACE MACRO slr_caller(v, cc) AS
        CASE WHEN regexp_full_match(v, '\+?[0-9]+') THEN slr_caller_norm(v, cc)
             ELSE list_transform([slr_caller_clean(v)], lambda x: slr_caller_norm(x, cc))[1] END""",
)


def create_caller_function(con: duckdb.DuckDBPyConnection) -> None:
    for sql in _MACROS:
        con.execute(sql)


def country_code(country: str | None) -> str | None:
    if country is None:
        return None
    code = COUNTRY_CODES.get(country.strip().upper())
    if code is None:
        raise UsageError(
            f"--country {country!r} is not known", f"use an ISO code such as {', '.join(list(COUNTRY_CODES)[:6])}"
        )
    return code


def caller_sql(text: str, country: str | None) -> str:
    """SQL expression: the normalised caller (or NULL) of the raw text expression ``text``."""
    code = country_code(country)
    return f"slr_caller({text}, {quote_literal(code) if code else 'CAST(NULL AS VARCHAR)'})"


class Pseudonymizer:
    """Keyed hash of normalised numbers (HMAC-SHA256), so files never carry raw callers but
    the same caller gets the same pseudonym under one key."""

    def __init__(self, key: str | None) -> None:
        self._key = (key if key else secrets.token_hex(32)).encode()

    def __call__(self, caller: str | None) -> str:
        if caller is None:
            return ""
        digest = hmac.new(self._key, caller.encode(), hashlib.sha256).hexdigest()
        return f"caller:{digest[:8]}"
