"""Codes that let timeline entries sit beside existing event data sets.

CAMEO (Conflict and Mediation Event Observations) and PLOVER (its successor) name
these events differently; the mapping is the documented one for each type.
"""

from __future__ import annotations

# CAMEO: 041 discuss by telephone, 042 make a visit, 043 host a visit, 129 reject (a veto
# rejects a proposal), 161 reduce or break diplomatic relations (recall an envoy), 166 expel.
_CAMEO = {"phone_call": "041", "visit": "042", "veto": "129", "recall": "161", "expulsion": "166"}
# PLOVER: event type and mode.
_PLOVER = {
    "phone_call": "CONSULT/phone",
    "visit": "CONSULT/visit",
    "veto": "REJECT",
    "expulsion": "SANCTION/expel",
    "recall": "SANCTION/withdraw",
}


def cameo_code(event_type: str, from_visitor: bool = True) -> str:
    """The CAMEO code; a visit is 042 from the visitor's side (agent) and 043 from the host's."""
    if event_type == "visit" and not from_visitor:
        return "043"
    return _CAMEO[event_type]


def plover_code(event_type: str) -> str:
    """The PLOVER event type (with its mode where PLOVER has one)."""
    return _PLOVER[event_type]
