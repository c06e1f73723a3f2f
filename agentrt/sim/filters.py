"""The ``filter`` expressions of ListFiles, ListCollections and ListDocuments.

The subset of xAI's syntax the simulator understands (anything else is
INVALID_ARGUMENT saying so):

* conditions ``KEY OP VALUE`` with OP one of ``= != > >= < <=``
  (``size_bytes > 1048576``, ``name = "report.pdf"``, ``public_url != null``);
* conditions ``KEY:VALUE``: on text, a case-insensitive "contains"
  (``collection_name:"SEC"``); ``KEY:!VALUE`` its negation
  (``status:!DOCUMENT_STATUS_FAILED``); ``KEY:>VALUE`` (and ``>= < <=``) a comparison
  (``documents_count:>10``);
* VALUE a double-quoted string, a bare word, a number, an RFC 3339 time
  (compared with ``*_at`` keys) or ``null`` (an unset field);
* ``AND``, ``OR``, ``NOT`` and parentheses (AND binds tighter than OR).

Keys are those each list names (:data:`FILE_KEYS` …); documents also match
``fields.<key>`` against their fields.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping, Sequence

import grpc

from agentrt.sim.status import SimStatus

__all__ = ["COLLECTION_KEYS", "DOCUMENT_KEYS", "FILE_KEYS", "Record", "compile_filter"]

Value = str | float | None
Record = Mapping[str, Value]
Match = Callable[[Record], bool]

FILE_KEYS = [
    "file_id",
    "name",
    "file_name",
    "size_bytes",
    "content_type",
    "created_at",
    "expires_at",
    "upload_status",
    "user_defined_id",
    "public_url",
    "public_url_expires_at",
]
COLLECTION_KEYS = [
    "collection_id",
    "collection_name",
    "collection_description",
    "created_at",
    "documents_count",
]
DOCUMENT_KEYS = [
    "file_id",
    "name",
    "size_bytes",
    "content_type",
    "status",
    "created_at",
    "fields.<key>",
]
MAX_FILTER = 1_000  # characters
_MAX_DEPTH = 64  # terms (conditions, NOTs, parentheses) in one filter
_SYNTAX = (
    'supported: KEY OP VALUE (OP one of = != > >= < <=), KEY:VALUE ("contains" on text), '
    'KEY:!VALUE, KEY:>VALUE, VALUE "quoted", a word, a number or null, joined by AND, OR, '
    "NOT and parentheses"
)
_TOKEN = re.compile(
    r'\s*(?:(?P<string>"(?:[^"\\]|\\.)*")|(?P<op>!=|>=|<=|=|>|<|:!|:>=|:<=|:>|:<|:|\(|\))'
    r'|(?P<word>[^\s=!<>:()"]+))'
)
_OPS = {
    "=": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
}


def _invalid(text: str, why: str) -> SimStatus:
    return SimStatus(grpc.StatusCode.INVALID_ARGUMENT, f"filter {text[:80]!r}: {why}; {_SYNTAX}")


def _tokens(text: str) -> list[tuple[str, str]]:
    out, place = [], 0
    while place < len(text.rstrip()):
        found = _TOKEN.match(text, place)
        if found is None or found.end() == place:
            raise _invalid(text, f"cannot read it at character {place + 1}")
        kind = str(found.lastgroup)
        out.append((kind, found.group(kind)))
        place = found.end()
    return out


def _unquote(kind: str, raw: str) -> str:
    if kind == "string":
        return raw[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return raw


def _value(kind: str, raw: str) -> Value:
    if kind == "string":
        return _unquote(kind, raw)
    if raw == "null":
        return None
    try:
        return float(raw)
    except ValueError:
        return raw


def _time(value: Value) -> Value:
    if not isinstance(value, str):
        return value
    try:
        return datetime.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return value


def _compare(op: str, have: Value, want: Value, raw: str, key: str) -> bool:
    """Whether a record's ``have`` stands in ``op`` to the filter's ``want`` (read from ``raw``)."""
    if want is None or have is None:
        return (have is None and want is None) == (op in ("=", ":"))
    if isinstance(have, str):
        if op == ":":
            return raw.lower() in have.lower()
        if op == ":!":
            return raw.lower() not in have.lower()
        return bool(_OPS[op.removeprefix(":")](have, raw))
    if key.endswith("_at"):
        want = _time(want)
    if not isinstance(want, float):
        return op in ("!=", ":!")  # a number never equals a word
    return bool(_OPS[{":": "=", ":!": "!="}.get(op, op.removeprefix(":"))](have, want))


def _either(a: Match, b: Match) -> Match:
    return lambda r: a(r) or b(r)


def _both(a: Match, b: Match) -> Match:
    return lambda r: a(r) and b(r)


class _Parser:
    def __init__(self, text: str, keys: Sequence[str]) -> None:
        self.text, self.keys, self.tokens, self.at = text, keys, _tokens(text), 0
        self.depth = 0  # terms read so far: bounds nesting and the matcher's call depth

    def peek(self) -> str:
        return self.tokens[self.at][1] if self.at < len(self.tokens) else ""

    def take(self) -> tuple[str, str]:
        if self.at >= len(self.tokens):
            raise _invalid(self.text, "it ends too early")
        self.at += 1
        return self.tokens[self.at - 1]

    def expr(self) -> Match:
        left = self.conjunction()
        while self.peek().upper() == "OR":
            self.take()
            left = _either(left, self.conjunction())
        return left

    def conjunction(self) -> Match:
        left = self.term()
        while self.peek().upper() == "AND":
            self.take()
            left = _both(left, self.term())
        return left

    def term(self) -> Match:
        self.depth += 1
        if self.depth > _MAX_DEPTH:
            raise _invalid(self.text, f"more than {_MAX_DEPTH} conditions, NOTs or parentheses")
        kind, raw = self.take()
        if kind == "word" and raw.upper() == "NOT":
            inner = self.term()
            return lambda r: not inner(r)
        if raw == "(":
            inner = self.expr()
            if self.take()[1] != ")":
                raise _invalid(self.text, "a '(' is not closed")
            return inner
        if kind != "word":
            raise _invalid(self.text, f"expected a key, found {raw!r}")
        return self.condition(raw)

    def condition(self, key: str) -> Match:
        known = key in self.keys or (key.startswith("fields.") and "fields.<key>" in self.keys)
        if not known:
            raise _invalid(self.text, f"unknown key {key!r} (keys: {', '.join(self.keys)})")
        kind, op = self.take()
        if kind != "op" or op in ("(", ")"):
            raise _invalid(self.text, f"expected an operator after {key!r}, found {op!r}")
        kind, raw = self.take()
        if kind == "op":
            raise _invalid(self.text, f"expected a value after {key!r} {op}, found {raw!r}")
        want, text = _value(kind, raw), _unquote(kind, raw)
        if want is None and op not in ("=", "!=", ":", ":!"):
            raise _invalid(self.text, f"{key} {op} null: compare null with = or != only")
        return lambda r: _compare(op, r.get(key), want, text, key)


def compile_filter(text: str, keys: Sequence[str]) -> Match | None:
    """A test of records for ``text`` (None for an empty filter); INVALID_ARGUMENT if unreadable."""
    if not text.strip():
        return None
    if len(text) > MAX_FILTER:
        raise _invalid(text, f"it is longer than {MAX_FILTER} characters")
    parser = _Parser(text, keys)
    match = parser.expr()
    if parser.at != len(parser.tokens):
        raise _invalid(text, f"unexpected {parser.peek()!r} (join conditions with AND or OR)")
    return match
