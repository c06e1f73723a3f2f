"""The simulated model's small knowledge of English: stems and common synonyms.

:func:`stem` folds inflections (plurals, ``-ing``, ``-ed``, ``-er``, a final
``e``, a doubled last consonant) so "costs", "priced" and "pricing" meet their
base word. :func:`concepts` maps each stem of a text onto one word per group of
everyday synonyms ("cost", "price", "charge" and "fee" are one concept), after
joining common two-word verbs ("look up", "call off"). The tables are general
English, not tied to any agent or prompt: they are what lets the model see that
"what does it cost" asks a tool described as "get the price".
"""

from __future__ import annotations

import re

__all__ = ["ENUM_ALIASES", "STOP", "concept", "concepts", "stem"]

_STOP_WORDS = (
    "a an the and or but of to in on at for from by with about into over under is are was were be "
    "been being it its this that these those i me my we our us you your he she they them their what "
    "which who whom whose when where why how can could would should will shall may might must do does "
    "did please tell give let lets want need like just also then than there here some any all "
    "each every no not yes as if so up out now much many one two via per both too very am im i'm it's "
    "what's whats"
)
STOP = frozenset(_STOP_WORDS.split())

# two-word verbs and idioms, joined before stemming (the join is itself a word of a group below)
_PHRASES = (
    ("look up", "lookup"),
    ("looking up", "lookup"),
    ("call off", "cancel"),
    ("how much", "price"),
    ("in stock", "stock"),
    ("sign up", "register"),
    ("log in", "login"),
    ("set up", "create"),
    ("money back", "refund"),
    ("put off", "postpone"),
    ("turn off", "stop"),
    ("shut down", "stop"),
    ("spin up", "start"),
    ("roll back", "rollback"),
)

# groups of everyday synonyms: the first word names the concept
_GROUPS = (
    "price cost charge fee fare rate quote pricing expense",
    "buy purchase order",
    "cancel void revoke rescind annul abort",
    "book reserve reservation",
    "find lookup search get fetch retrieve query locate seek check",
    "weather forecast temperature",
    "stock inventory availability available supply",
    "send email mail e-mail",
    "delete remove erase destroy purge",
    "create add new make open",
    "update change modify edit amend alter",
    "refund reimburse reimbursement",
    "ship shipment shipping delivery deliver parcel package courier",
    "track tracking trace whereabouts",
    "flight fly plane airline",
    "hotel lodging accommodation room",
    "meeting event appointment",
    "file document doc",
    "list enumerate",
    "customer client user",
    "ticket issue case incident",
    "read view display open show see",
    "write save store",
    "invoice bill receipt",
    "pay payment",
    "status state progress",
    "summary summarize summarise recap overview",
    "postpone reschedule delay",
    "error failure fault",
    "start launch boot",
    "stop halt",
    "restart reboot",
    "deploy release rollout",
    "rollback revert",
    "convert exchange conversion",
    "balance funds",
    "transfer wire",
    "translate translation",
    "calendar schedule agenda",
    "free busy availability",
    "log logs logging",
    "copy duplicate",
    "rename retitle",
    "move relocate",
    "size big large",
    "time hour clock",
    "employee staff colleague",
    "address location place",
    "product item article",
    "comment note remark annotation",
)

ENUM_ALIASES: dict[str, tuple[str, ...]] = {
    # spoken names of common enum values (currencies, units): what a user writes for them
    "eur": ("euro", "euros", "€"),
    "usd": ("dollar", "dollars", "us dollars", "$", "bucks"),
    "gbp": ("pound", "pounds", "sterling", "£", "quid"),
    "jpy": ("yen", "¥"),
    "chf": ("swiss franc", "swiss francs", "francs"),
    "cad": ("canadian dollar", "canadian dollars"),
    "aud": ("australian dollar", "australian dollars"),
    "inr": ("rupee", "rupees", "₹"),
    "cny": ("yuan", "renminbi", "rmb"),
    "celsius": ("°c", "centigrade"),
    "fahrenheit": ("°f",),
    "metric": ("celsius", "kilometres", "kilometers"),
    "imperial": ("fahrenheit", "miles"),
}


def stem(word: str) -> str:
    """``word`` lower-cased with its inflection folded (consistent, not a dictionary form)."""
    w = word.lower().strip("'’")
    for _ in range(2):
        for suffix, repl in (
            ("ies", "y"),
            ("ing", ""),
            ("ied", "y"),
            ("ed", ""),
            ("es", ""),
            ("er", ""),
            ("s", ""),
        ):
            if w.endswith(suffix) and len(w) - len(suffix) >= (4 if suffix == "er" else 3):
                if suffix == "s" and w.endswith(("ss", "us", "is")):
                    continue
                w = w[: -len(suffix)] + repl
                break
        else:
            break
    if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "aeiou":
        w = w[:-1]
    if len(w) > 3 and w.endswith("e"):
        w = w[:-1]
    return w


_CONCEPT = {stem(w): g.split()[0] for g in reversed(_GROUPS) for w in g.split()}
_WORD = re.compile(r"[a-z][a-z0-9'’]*")


def concept(word: str) -> str:
    """The concept ``word`` belongs to (its stem when it is in no synonym group)."""
    s = stem(word)
    return _CONCEPT.get(s, s)


def _spaced(text: str) -> str:
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", text).replace("_", " ").replace("-", " ")
    lowered = " " + spaced.lower() + " "
    for phrase, joined in _PHRASES:
        lowered = lowered.replace(f" {phrase} ", f" {joined} ")
    return lowered


def concepts(text: str) -> set[str]:
    """The concepts of ``text``'s content words (split on case and underscores)."""
    return {concept(w) for w in _WORD.findall(_spaced(text)) if w not in STOP}
