"""How well a value found in the user's text fits a tool parameter (the simulated model).

:func:`compatible` says whether a candidate may fill a parameter at all (an id
takes no date or person's name, a title no number, a date only a date-asking
parameter); :func:`score` how well: the words around it against the
parameter's name and description, the word right before it ("cart 4471"), the
shape of the schema's examples, its format, and its role ("from"/"to").
:func:`convert` writes it in the JSON type asked for.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from agentrt.sim.candidates import Candidate, stems, words
from agentrt.sim.lexicon import concepts, concepts_of, stem
from agentrt.sim.paramwants import fits, fits_text, want

__all__ = [
    "ID_WORDS",
    "compatible",
    "convert",
    "fits_typed",
    "free_text",
    "resolve",
    "score",
    "shape",
    "types",
]

ID_WORDS = frozenset(
    stems("id code sku ref reference number no key identifier ticket order") | {"no", "id"}
)
_ID_TAIL = re.compile(r"(?:^|_|(?<=[a-z]))(?:id|ids|Id|ID)$")
_FOLDER_WORDS = frozenset(stems("folder directory dir"))
_FILE_END = re.compile(r"\.[A-Za-z][A-Za-z0-9]{0,4}$")
_LIMIT_WORDS = frozenset(stems("limit max count top size tail"))
_RECENT_WORDS = frozenset(stems("recent latest last newest top first oldest"))
_PATH_WORDS = frozenset(stems("path file filename dir directory folder document attachment"))
_MAIL_WORDS = frozenset(stems("email mail e-mail recipient address attendee invitee"))
_NAMED_PLACES = words(
    "namespace environment env region stage zone datacenter workspace deployment service "
    "cluster bucket queue topic branch repo repository"
)
_REPO_WORDS = frozenset(stems("repo repository slug"))
_RECIPIENT_NAMES = words("to cc bcc from sender recipient recipients reply_to")
_LINK_WORDS = frozenset(stems("url link website site uri endpoint webhook page"))
_HOST_WORDS = frozenset(stems("host hostname domain server fqdn"))
_NAME_WORDS = words(
    "name city country place location person user customer destination origin title "
    "company town region state airport contact recipient assignee employee patient student"
)


_TEXT_WORDS = frozenset(
    stems(
        "body text message content comment note description query question prompt summary reason "
        "subject title instructions details topic keywords"
    )
)


_PROSE = frozenset(
    stems("body text message content comment note description summary reason details instructions")
)


def free_text(name: str, spec: Mapping[str, Any]) -> bool:
    """A string parameter that takes prose (a body, a query), not a value or a code."""
    if "enum" in spec or "format" in spec or not (types(spec) & {"string"}):
        return False
    return bool(stems(name) & _TEXT_WORDS)


def fits_typed(kind: str, name: str) -> bool:
    """Whether a parameter's name says it takes a value of ``kind`` ("email", "url",
    "path") outright: a message's URL asks for a tool with a ``url``, not a ``location``."""
    named = stems(name)
    if kind == "email":
        return bool(named & _MAIL_WORDS) or name.lower() in _RECIPIENT_NAMES
    if kind == "url":
        return bool(named & (_LINK_WORDS | _HOST_WORDS))
    if kind == "path":
        return bool(named & _PATH_WORDS)
    return False


def resolve(raw: Any, root: Mapping[str, Any]) -> dict[str, Any]:
    spec: dict[str, Any] = dict(raw) if isinstance(raw, Mapping) else {}
    for _ in range(16):
        ref = spec.get("$ref")
        if not isinstance(ref, str) or not ref.startswith("#/"):
            break
        target: Any = root
        for part in ref[2:].split("/"):
            target = target.get(part, {}) if isinstance(target, Mapping) else {}
        target = target if isinstance(target, Mapping) else {}  # "#/required" is no schema
        spec = {**target, **{k: v for k, v in spec.items() if k != "$ref"}}
    for key in ("anyOf", "oneOf"):
        listed = spec.get(key)
        branches = [resolve(b, root) for b in listed] if isinstance(listed, list) else []
        non_null = [b for b in branches if b.get("type") != "null"]
        if non_null:
            spec = {**non_null[0], **{k: v for k, v in spec.items() if k != key}}
    return spec


def types(spec: Mapping[str, Any]) -> set[str]:
    kind = spec.get("type", "string")
    return set(kind) if isinstance(kind, list) else {str(kind)}


def compatible(spec: Mapping[str, Any], cand: Candidate, name: str = "", owner: str = "") -> bool:
    """Whether ``cand`` may fill parameter ``name`` at all (``owner``: its tool's name and
    description, which may name the record the parameter keys)."""
    if "enum" in spec or "const" in spec:
        return False
    wanted = want(name, spec)
    rule = fits(wanted, cand.kind)
    if rule is not None:
        return rule and fits_text(wanted, cand.text)
    if cand.kind in ("date", "number", "email", "url") and free_text(name, spec):
        return False  # a title or a message body is prose, not a date or a number
    if (
        cand.kind == "identifier"
        and cand.text.islower()
        and stems(name) & (_PERSON_WORDS | {"name"})
        and not ID_WORDS & stems(name)
    ):
        return False  # "follow-up" is no person's name
    if cand.kind == "proper" and free_text(name, spec) and stems(name) & _PROSE:
        return False  # a note or a message body is prose, not a name (a query may be one)
    if ID_WORDS & stems(name) and (
        cand.kind in ("email", "url", "date", "address", "temperature", "headcount")
        or (cand.kind == "proper" and not cand.text.isupper() and not re.search(r"\d", cand.text))
    ):
        return False  # an identifier parameter takes no address, date or name ("Rome", "Dr Ng")
    if (
        ID_WORDS & stems(name)
        and cand.kind == "number"
        and (len(re.sub(r"\D", "", cand.text)) < 3 or re.search(r"\d[,.]\d", cand.text))
    ):
        return False  # "3 pallets", "1,200 kg" are no quote id: an id has some length, no commas
    if cand.kind == "address" and stems(name) & (_PERSON_WORDS | {"name"}):
        return False  # a street is no visitor's name
    if (
        ID_WORDS & stems(name)
        and cand.kind == "identifier"
        and (not re.search(r"\d", cand.text) or len(cand.text) < 4)
    ):
        return False  # an id has digits and some length: "heads-up", "Q3" are no ids
    if cand.kind == "path" and _ID_TAIL.search(name):
        return False  # a file's name is no file id: a look-up gives the id
    if cand.money and (ID_WORDS & stems(name) or _COUNT_WORDS & stems(name)):
        return False  # "60 bucks" is neither a product id nor a quantity
    if ID_WORDS & stems(name) and _names_another(name, cand.before, owner):
        return False  # "order 66120" is no shipment id
    if _FOLDER_WORDS & stems(name) and cand.kind == "path" and _FILE_END.search(cand.text):
        return False  # a folder parameter takes no file ("notes/todo.txt")
    kinds = types(spec)
    if cand.kind == "number" and name.lower() in _NAMED_PLACES and "integer" not in kinds:
        return False  # a namespace, a region, a service is named, not numbered ("to 5 replicas")
    if kinds & {"integer", "number"} and cand.kind == "identifier":
        return re.fullmatch(r"[A-Z]{2,4} ?\d+", cand.text) is not None  # "PR 42": 42
    if kinds & {"integer"} and cand.kind == "number":
        return "." not in cand.text and "," not in cand.text
    if kinds & {"number"} and cand.kind == "number":
        return True
    return bool(kinds & {"string"})


_RECORDS = frozenset(
    stems(
        "order invoice ticket case account customer shipment booking reservation employee patient "
        "policy claim incident issue build job listing product item user flight card transaction "
        "payment subscription contract lead deal project task parcel package student course"
    )
)


def _names_another(name: str, before: str, owner: str = "") -> bool:
    """Whether the word before a value names a kind of record other than ``name``'s
    (``shipment_id`` and "order 66120"), nor one its tool (``owner``) is about."""
    if not before.isalpha():
        return False
    said = {stem(before)} & _RECORDS
    mine = stems(name) | concepts(name) | stems(owner)
    return bool(said) and not said & mine and not set(concepts_of(before)) & concepts(name)


def convert(spec: Mapping[str, Any], text: str) -> Any:
    kinds = types(spec)
    plain = text.replace(",", "")
    try:
        if "integer" in kinds and re.fullmatch(r"-?\d+", plain):
            return int(plain)
        if "number" in kinds and re.fullmatch(r"-?\d+(\.\d+)?", plain):
            return float(plain) if "." in plain else int(plain)
    except ValueError:
        pass  # more digits than int() reads (4300): kept as the text the user wrote
    return text


_EXACT = {("month", "date"), ("minutes:min", "duration")} | {
    (f"minutes:{u}", "duration") for u in ("sec", "hou", "day", "wee")
}
_SOURCE_ROLE = words("from source origin base sell")
_TARGET_ROLE = words("to target destination quote into")


def _role(name: str, cand: Candidate) -> float:
    """A currency right after an amount is the one converted from ("250 dollars"), one
    after "to"/"in"/"into" the one converted to ("in euros"); a place after "to" is where
    one goes, after "from" where one leaves."""
    if cand.kind in ("proper", "address", "path"):
        return _place_role(name, cand)
    if cand.kind != "currency":
        return 0.0
    role = set(re.split(r"[^a-z]+", name.lower()))
    source = (
        bool(re.fullmatch(r"[\d.,]+|one|a|an", cand.before))
        or cand.before in ("from",)
        or cand.money  # "€250": the amount's own currency is the one converted from
    )
    target = cand.before in ("to", "in", "into")
    if role & _SOURCE_ROLE:
        return 2.0 if source else (-1.0 if target else 0.0)
    if role & _TARGET_ROLE:
        return 2.0 if target else (-1.0 if source else 0.0)
    return 0.0


_PERSON_WORDS = frozenset(
    stems("person contact signer recipient assignee employee patient student guest visitor driver")
)
_PARTY_WORDS = frozenset(stems("attendee attendees participant invitee guest member people with"))
_COMPANY_WORDS = frozenset(
    stems("company organization organisation org employer business firm vendor supplier merchant")
)
_CORPORATE = re.compile(
    r"\b(?:Inc|Ltd|LLC|GmbH|Corp|Corporation|Co|Company|Labs?|Systems|Group|Technologies|Tech"
    r"|Solutions|Bank|Partners|Holdings|Industries|Robotics|Software|Logistics|Ventures|Studios?"
    r"|Consulting|Capital|Media|Networks|Foods|Motors|Supplies|Services|Trading|Textiles"
    r"|Enterprises|Manufacturing|Construction|Builders|Partners|Agency|Associates|Industries"
    r"|AG|SA|plc|BV|AB|Pty|SARL|SAS|SpA|Oy|AS|KK)\b\.?$"
)


def _company(cand: Candidate) -> float:
    """How much a proper name looks like a company's: a corporate word ends it ("Volta
    Grid Ltd", "Fujiwara Robotics"), or it follows "from"/"at" ("Ken from Acme")."""
    bonus = 2.0 if _CORPORATE.search(cand.text) else 0.0
    return bonus + (1.5 if cand.before in ("from", "at", "with") else 0.0)


_GOING = words("to destination dest arrival arrive into target new output")
_LEAVING = words("from origin source sources departure depart start old input")


_MONEY_WORDS = frozenset(
    stems("price cost amount budget fee total salary rent payment spend value fare charge")
)
_COUNT_WORDS = frozenset(stems("quantity qty count units number items copies seats nights"))
_UPPER = words("under below than upto max maximum within cheaper less")
_LOWER = words("over above least min minimum more")


def _money(name: str, words: frozenset[str], cand: Candidate) -> float:
    """A sum of money fills a price, not a count; "under 60 bucks" a maximum."""
    if words & _COUNT_WORDS and not words & _MONEY_WORDS:
        return -4.0
    score = 2.0 if words & _MONEY_WORDS else 0.0
    bound = set(re.split(r"[^a-z]+", name.lower()))
    if cand.before in _UPPER or cand.before == "to":
        score += 1.5 if bound & {"max", "maximum", "upper", "budget"} else 0.0
    if cand.before in _LOWER:
        score += 1.5 if bound & {"min", "minimum", "lower"} else 0.0
    return score


def _place_role(name: str, cand: Candidate) -> float:
    role = set(re.split(r"[^a-z]+", name.lower()))
    if cand.before not in ("to", "from", "into", "named", "called", "as"):
        return 0.0
    going = cand.before != "from"  # "rename a.txt to b.txt", "a zip named x.zip"
    if role & _GOING:
        return 2.0 if going else -2.0
    if role & _LEAVING:
        return -2.0 if going else 2.0
    return 0.0


def shape(text: str) -> str:
    shape = re.sub(r"[A-Z]+", "A", text)
    shape = re.sub(r"[a-z]+", "a", shape)
    return re.sub(r"\d+", "9", shape)


_EXAMPLE = re.compile(r"\b(?:e\.g\.|eg|such as|for example|like)[:,]?\s+([^\s,;()]+)", re.I)


@lru_cache(maxsize=4096)
def _said_examples(description: str) -> list[str]:
    """Example values a description gives ("Semantic version, e.g. 1.4.2")."""
    return [m.group(1).rstrip(".") for m in _EXAMPLE.finditer(description)]


def score(cand: Candidate, name: str, spec: Mapping[str, Any]) -> float:
    words = (
        stems(name) | stems(str(spec.get("description", ""))) | stems(str(spec.get("title", "")))
    )
    named = concepts(f"{name} {spec.get('description', '')} {spec.get('title', '')}")
    around = {c for w in cand.context for c in concepts_of(w)}
    score = 2.0 * len(words & cand.context) + 1.0 * len((named - words) & around)
    if cand.before and set(concepts_of(cand.before)) & concepts(name):
        score += 2.5  # the value right after the parameter's own word: "cart 4471", "case 77812"
    examples = [str(e) for e in spec.get("examples", [])] + _said_examples(
        str(spec.get("description", ""))
    )
    if "default" in spec:
        examples.append(str(spec["default"]))
    if any(shape(e) == shape(cand.text) for e in examples):
        score += 3.0
    fmt = spec.get("format")
    if (fmt, cand.kind) in {
        ("date", "date"),
        ("date-time", "datetime"),
        ("email", "email"),
        ("uri", "url"),
    }:
        score += 3.0
    if words & ID_WORDS and cand.kind == "identifier":
        score += 2.0
    if cand.kind == "email" and name.lower() in _RECIPIENT_NAMES:
        score += 3.0  # send_email(to=…): "to" is whom it goes to
    if (words & _MAIL_WORDS and cand.kind == "email") or (
        words & _LINK_WORDS and cand.kind == "url"
    ):
        score += 3.0
    if words & _PATH_WORDS and cand.kind == "path":
        score += 3.0
    if words & _HOST_WORDS and cand.kind == "url":
        score += 2.0 if "://" in cand.text else 3.0  # a host name is bare
    elif words & _LINK_WORDS and cand.kind == "url" and "://" in cand.text:
        score += 1.0  # a URL has its scheme
    if words & _NAME_WORDS and cand.kind == "proper":
        score += 2.0 if words & _PERSON_WORDS and " " in cand.text else 1.5
    if words & _PARTY_WORDS and cand.kind == "proper" and cand.before in ("with", "and"):
        score += 1.5  # "a sync with Priya": who takes part
    if words & _COMPANY_WORDS and cand.kind == "proper":
        score += _company(cand)
    if cand.kind == "quoted":
        score += 0.5
    if cand.kind == "sql" and free_text(name, spec):
        score += 3.0  # run_sql(query=…): the statement is the query
    if (
        cand.kind == "identifier"
        and "/" in cand.text
        and (words & _REPO_WORDS or "owner/" in str(spec.get("description", "")))
    ):
        score += 3.0  # "acme/web" for a repository
    wanted = want(name, spec)
    if wanted and fits(wanted, cand.kind) and cand.kind != "number":
        exact = wanted == cand.kind or (wanted, cand.kind) in _EXACT
        score += 3.0 if exact else 1.5
    score += _role(name, cand)
    if cand.money:
        score += _money(name, words, cand)
    if cand.kind == "number" and words & _LIMIT_WORDS and cand.context & _RECENT_WORDS:
        score += 2.5  # "the 50 most recent", "the last 20": how many to return
    if cand.kind == "number" and "string" in types(spec) and score < 2:
        score -= 1.0
    return score
