"""Caller numbers: one SQL function every reader uses, so that repeat-caller logic sees one
caller however the phone system wrote the number.

``slr_caller(raw, country_code)``:
- takes the number out of a caller-id like ``"Name" <0401234567>`` or ``sip:+358…@host``;
- drops spaces, dashes, dots, slashes and brackets;
- anything that is not then digits (``anonymous``, ``unknown``, ``Restricted``, SIP user
  names), empty values and short internal extensions (6 digits or fewer) → NULL (withheld);
- ``+358401234567`` and ``00358401234567`` → ``+358401234567``; with ``--country FI`` also
  ``0401234567`` and ``358401234567`` → ``+358401234567``.

``slr_phone(raw, country_code)``: the same normalised number, but only for a value of any column that
looks like a phone number (7–15 digits once cleaned as above, and not shaped like a date), else NULL.
A row shifted by an unquoted comma puts the caller in another column; every value the rejects file
or an error message quotes goes through it, so such a number is shown as a pseudonym, never raw.

Pseudonyms: ``caller:`` + the first 20 hex digits (80 bits) of HMAC-SHA256(key, normalised number),
computed by ``Pseudonymizer`` in Python and by ``pseudonym_sql`` in DuckDB (convert), with equal results.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from collections.abc import Callable

import duckdb

from slreport.errors import UsageError
from slreport.ingest.sql import quote_literal

MAX_EXTENSION_DIGITS = 6
MAX_PHONE_DIGITS = 15  # E.164
PSEUDONYM_HEX_DIGITS = 20  # 80 bits: no collision to expect below ~10^11 distinct callers (see docs/hardening.md)
MIN_KEY_BYTES = 16
KEY_ENV = "SLREPORT_PSEUDONYM_KEY"

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

_DAY, _MONTH = r"(0?[1-9]|[12][0-9]|3[01])", r"(0?[1-9]|1[0-2])"
_DATE_SHAPE = rf"(19|20)[0-9]{{2}}[-./]{_MONTH}[-./]{_DAY}|{_DAY}[-./]{_MONTH}[-./](19|20)[0-9]{{2}}"
_PHONE_DIGITS = rf"(\+|00)?[0-9]{{{MAX_EXTENSION_DIGITS + 1},{MAX_PHONE_DIGITS}}}"  # once cleaned

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
    # Any column's value that looks like a phone number → its normalised number (else NULL). A date
    # without a time (2024-02-30, 30.02.2024) has 8 digits but is kept readable; a time has a colon.
    rf"""CREATE OR REPLACE MACRO slr_phone(v, cc) AS
        CASE WHEN NOT regexp_full_match(trim(v), '{_DATE_SHAPE}')
              AND regexp_full_match(slr_caller_clean(v), '{_PHONE_DIGITS}')
             THEN slr_caller(v, cc) END""",
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


def looks_like_phone(value: str) -> bool:
    """slr_phone's test in Python, for text quoted outside SQL (header names in an error message)."""
    v = value.strip()
    if re.fullmatch(_DATE_SHAPE, v):
        return False
    if "<" in v:
        found = re.search(r"<([^>]*)>", v)
        v = found.group(1) if found else ""
    v = re.sub(r"@.*$", "", re.sub(r"^(sip|sips|tel):", "", v, flags=re.IGNORECASE))
    return re.fullmatch(_PHONE_DIGITS, re.sub(r"[\s\-.()/]", "", v)) is not None


def phone_sql(text: str, country: str | None) -> str:
    """SQL expression: the normalised number if the raw text expression ``text`` looks like one, else NULL."""
    code = country_code(country)
    return f"slr_phone({text}, {quote_literal(code) if code else 'CAST(NULL AS VARCHAR)'})"


def pseudonym_key(given: str | None) -> bytes | None:
    """The key from --pseudonym-key, else $SLREPORT_PSEUDONYM_KEY, else None (random per run).

    A short key can be guessed, and a guessed key lets anyone reverse every pseudonym by hashing all
    numbers (a country's mobiles are ~10^8): refuse keys shorter than MIN_KEY_BYTES."""
    from_env = given is None or given == ""
    key = os.environ.get(KEY_ENV) if from_env else given
    if not key:
        return None
    raw = key.encode()
    if len(raw) < MIN_KEY_BYTES:
        where = f"${KEY_ENV}" if from_env else "--pseudonym-key"
        raise UsageError(
            f"{where} is {len(raw)} bytes; a pseudonym key needs at least {MIN_KEY_BYTES}",
            'use a random key, e.g. `python3 -c "import secrets; print(secrets.token_hex(32))"`, and keep it '
            "like the data",
        )
    return raw


class Pseudonymizer:
    """Keyed hash of normalised numbers (HMAC-SHA256), so files never carry raw callers but
    the same caller gets the same pseudonym under one key (a random one per instance when none is given)."""

    def __init__(self, key: bytes | None) -> None:
        self.key = key if key else secrets.token_bytes(32)

    def __call__(self, caller: str | None) -> str:
        if caller is None:
            return ""
        digest = hmac.new(self.key, caller.encode(), hashlib.sha256).hexdigest()
        return f"caller:{digest[:PSEUDONYM_HEX_DIGITS]}"


def caller_display(show_callers: bool, key: str | None) -> Callable[[str | None], str]:
    """How a caller (or a phone number found in another column) is shown: its pseudonym, or raw
    (normalised) with --show-callers."""
    if show_callers:
        return lambda caller: caller or ""
    return Pseudonymizer(pseudonym_key(key))


# HMAC (RFC 2104) with DuckDB's sha256, so that convert pseudonymises 100 M rows without a Python
# call per row: H((K ^ opad) || H((K ^ ipad) || m)), K padded to SHA-256's 64-byte block.
_BLOCK = 64


def hmac_pads(key: bytes) -> tuple[bytes, bytes]:
    """The inner and outer padded keys of HMAC-SHA256, bound as parameters (never written into SQL)."""
    k = hashlib.sha256(key).digest() if len(key) > _BLOCK else key
    k = k.ljust(_BLOCK, b"\0")
    return bytes(b ^ 0x36 for b in k), bytes(b ^ 0x5C for b in k)


def pseudonym_sql(value: str, ipad: str, opad: str) -> str:
    """SQL: the pseudonym of the VARCHAR expression ``value`` (NULL stays NULL), ``ipad``/``opad``
    being BLOB expressions of hmac_pads(); equal to Pseudonymizer's."""
    inner = f"unhex(sha256({ipad} || encode({value})))"
    return f"'caller:' || left(sha256({opad} || {inner}), {PSEUDONYM_HEX_DIGITS})"
