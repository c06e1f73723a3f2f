"""Everyday English synonyms and paraphrases, grouped by general concept.

Each line of :data:`GROUPS` is one concept (its first word names it) and the words
people use for it when they ask a program for something: the verbs and nouns of
ordinary software and business actions (cancel, book, pay, find, send, …), of
shopping, travel, money, calendars, files, support desks, operations, health,
work and school. A word may belong to several concepts ("drop" cancels an order,
withdraws from a course and lowers a priority). :data:`PHRASES` joins common
multi-word expressions into one word of a group ("get rid of" → ``delete``,
"how much" → ``price``) before words are stemmed. Nothing here is keyed on any
one agent, prompt or test.
"""

from __future__ import annotations

__all__ = ["GROUPS", "PHRASES"]

PHRASES: tuple[tuple[str, str], ...] = tuple(
    (a.strip(), b.strip())
    for line in ["look up:lookup", "looking up:lookup", "look for:search", "looking for:search", "search for:search", "call off:cancel", "calling off:cancel", "get rid of:delete", "getting rid of:delete", "throw away:delete", "clean up:delete", "how much:price", "how many:count", "in stock:stock", "sign up:enroll", "signing up:enroll", "log in:login", "log into:login", "sign in:login", "set up:create", "put in:submit", "put together:create", "money back:refund", "send back:return", "give back:return", "take back:return", "put off:postpone", "push back:postpone", "move to:reschedule", "turn off:stop", "shut down:stop", "switch off:stop", "turn on:start", "spin up:start", "fire up:start", "roll back:rollback", "rolling back:rollback", "pull up:show", "bring up:show", "show me:show", "tell me about:show", "fill in:update", "hand over:assign", "pass over:assign", "passing over:assign", "pass on:assign", "on call:oncall", "on-call:oncall", "jot down:note", "write down:note", "note down:note", "heads-up:remind", "heads up:remind", "loop in:invite", "go green:pass", "went green:pass", "point to:resolve", "points to:resolve", "time off:leave", "day off:leave", "days off:leave", "annual leave:leave", "report to:manager", "reports to:manager", "place to stay:hotel", "places to stay:hotel", "somewhere to stay:hotel", "going for:price", "trading at:price", "worth in:exchange", "exchange rate:exchange", "on schedule:status", "on time:status", "running late:status", "any news:status", "where are we:status", "what's happening:status", "what's left:balance", "how much money:balance", "what have i got in:list", "what's in:read", "print out:read", "up to:scale", "scale up:scale", "scale down:scale", "second-line:escalate", "second line:escalate", "next tier:escalate", "higher tier:escalate", "every week:weekly", "every monday:weekly", "every tuesday:weekly", "every wednesday:weekly", "every thursday:weekly", "every friday:weekly", "every day:daily", "every month:monthly", "how warm:weather", "how cold:weather", "how hot:weather", "how large:size", "how big:size", "fill up:refill", "top up:refill", "check in:checkin", "check out:checkout", "car hire:rental", "hire a car:rental", "rent a car:rental", "two-factor:2fa", "two factor:2fa", "make sure:verify", "find out:find"]
    for a, b in [line.split(":")]
)

GROUPS: tuple[str, ...] = (
    # doing things to records
    "cancel void revoke rescind annul abort scrap scrub drop terminate undo",
    "delete remove erase destroy purge trash discard wipe unlink eliminate clear",
    "create add new make open generate establish raise start log file register put stick pop "
    "insert place append enter",
    "submit request apply lodge file send",
    "update change modify edit amend alter adjust switch shift tweak revise correct set",
    "postpone reschedule delay defer push shift move",
    "find search lookup seek locate query browse discover hunt explore",
    "show get fetch retrieve obtain display view see check inspect report return pull",
    "list enumerate all browse every",
    "read view open display show print content contents cat",
    "write save store record put note type overwrite",
    "send email mail message notify dispatch forward transmit text sms tell inform",
    "page alert notify ping summon",
    "count number total",
    "verify confirm validate check",
    # money and shopping
    "book reserve reservation booking hold secure schedule",
    "buy purchase order acquire shop",
    "sell sale",
    "pay payment settle remit charge",
    "refund reimburse reimbursement chargeback",
    "return rma exchange",
    "price cost charge fee fare rate quote pricing expense worth value expensive cheap "
    "cheaper cheapest costly afford postage tariff",
    "stock inventory availability available supply left remaining unit quantity",
    "balance fund money left remaining available",
    "ship shipping shipment delivery deliver parcel package courier postage post freight "
    "dispatch arrive",
    "track tracking trace whereabouts where",
    "status state progress news late delay delayed schedule running pass passed green result "
    "where whereabouts",
    "coupon voucher promo discount code",
    "cart basket trolley bag",
    "product item article goods model",
    "footwear shoe trainer sneaker boot sandal",
    "apparel clothes clothing shirt jacket",
    "invoice bill receipt",
    "transaction charge spend spent spending purchase statement",
    "card credit debit",
    "freeze block lock suspend disable",
    "unfreeze unblock unlock enable",
    "transfer wire move send",
    "exchange convert conversion",
    "account acct",
    "stock share equity ticker security",
    "savings saving deposit",
    "lost lose missing misplaced",
    "stolen steal theft",
    "cheaper cheap cheapest lower",
    # travel and weather
    "flight fly plane airline depart departure",
    "hotel lodging accommodation room stay inn motel hostel property",
    "rental rent hire car vehicle",
    "trip journey travel itinerary",
    "weather forecast temperature warm cold hot rain umbrella sunny snow wind humid climate",
    "seat",
    "passenger traveller traveler guest",
    "surname last lastname family",
    # calendars and people
    "meeting event appointment call session sync standup",
    "calendar schedule agenda diary",
    "invite attendee guest invitee participant include",
    "remind reminder notification nudge",
    "free busy availability available slot",
    "weekly week",
    "daily day",
    "monthly month",
    "customer client user profile",
    "employee staff colleague worker personnel",
    "manager boss supervisor lead",
    "leave vacation holiday pto absence",
    "payslip salary wage paycheck",
    "job position opening vacancy role requisition",
    # files
    "file document doc spreadsheet sheet",
    "directory folder dir",
    "archive zip compress pack tarball bundle",
    "extract unzip unpack decompress",
    "move rename relocate",
    "copy duplicate clone",
    "size big large small byte",
    "share grant permission access",
    "viewer view read look",
    "editor edit write",
    # support
    "ticket issue case incident request complaint problem",
    "comment note remark annotation",
    "escalate tier",
    "assign route reassign delegate",
    "close resolve resolved solve solved fixed done complete finish",
    "priority urgency urgent pressing importance severity",
    "low lowest minimum least",
    "high highest maximum",
    "subscription plan membership",
    "knowledge help article faq guide howto instructions documentation",
    "network vpn wifi internet connection",
    "hardware laptop computer printer device",
    "login password 2fa authentication signin",
    # operations
    "deploy release rollout",
    "restart reboot bounce recycle",
    "scale replica instance resize bump",
    "log logs output",
    "rollback revert downgrade",
    "metric cpu processor memory ram load usage utilization utilisation busy disk",
    "cpu processor",
    "memory ram",
    "dns resolve hostname ip domain",
    "alert alarm",
    "silence mute suppress snooze quiet",
    "oncall duty",
    "pipeline ci build",
    "production prod live",
    "staging stage",
    "development dev",
    "stop halt",
    "start launch boot",
    # health and school
    "appointment visit consultation doctor dr",
    "provider doctor dr physician clinician",
    "lab test blood",
    "prescription refill medication medicine",
    "grade mark score",
    "course class module",
    "enroll enrol register join",
    "fall autumn",
    "student pupil learner",
)
