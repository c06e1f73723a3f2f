"""Tools of the support triage example: order lookup and reply drafting.

Orders live in a small table in this file (no network), so the example is
deterministic. Replace ``_ORDERS`` with your order service.
"""

from __future__ import annotations

from typing import Any, Literal

__all__ = ["draft_reply", "lookup_order"]

Category = Literal["shipping", "billing", "refund", "technical", "other"]

_ORDERS: dict[str, dict[str, Any]] = {
    "AB-123": {
        "status": "in transit",
        "carrier": "DHL",
        "tracking": "JD014600006281",
        "eta": "2025-06-14",
        "customer": "Ada Lovelace",
        "total_eur": 89.5,
    },
    "CD-456": {
        "status": "delivered",
        "carrier": "UPS",
        "tracking": "1Z999AA10123456784",
        "eta": "2025-06-02",
        "customer": "Alan Turing",
        "total_eur": 240.0,
    },
}

_OPENERS: dict[str, str] = {
    "shipping": "your parcel is {status} with {carrier} (tracking {tracking}) and should arrive by {eta}",
    "billing": "your order total was {total_eur} EUR; we are checking the charge now",
    "refund": "we have opened a refund for your order of {total_eur} EUR",
    "technical": "our technical team is looking into the problem with your order",
    "other": "we are looking into your message about your order",
}


def lookup_order(order_id: str) -> dict[str, Any]:
    """Look up an order by its id: status, carrier, tracking number, delivery date, customer.

    Args:
        order_id: The order id, e.g. "AB-123".
    """
    order = _ORDERS.get(order_id.strip().upper())
    if order is None:
        raise LookupError(f"no order {order_id!r}; order ids look like AB-123")
    return {"order_id": order_id.upper(), **order}


def draft_reply(order_id: str, category: Category = "other") -> dict[str, Any]:
    """Draft a reply to the customer of a support ticket about an order, from the reply templates.

    Args:
        order_id: The order id, e.g. "AB-123".
        category: The ticket's category: shipping, billing, refund, technical or other.
    """
    order = lookup_order(order_id)
    first_name = str(order["customer"]).split()[0]
    body = _OPENERS[category].format(**order)
    return {"reply": f"Hi {first_name}, thanks for getting in touch: {body}. — Support team"}
