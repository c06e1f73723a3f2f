"""The wire contract as agentrt sees it: xAI's services from the generated stubs.

This is one of the few modules that touch ``agentrt_protos`` (generated/); the
rest of agentrt reaches the wire through ``transport``, ``chat`` and ``client``.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass

__all__ = ["XAI_PROTO_PACKAGE", "ServiceInfo", "proto_modules", "services"]

XAI_PROTO_PACKAGE = "agentrt_protos.xai.api.v1"


@dataclass(frozen=True, kw_only=True)
class ServiceInfo:
    """One gRPC service of the contract: its full name and method names."""

    full_name: str
    methods: tuple[str, ...]
    streaming: tuple[str, ...]


def proto_modules() -> list[str]:
    """Names of the generated ``*_pb2`` message modules of xAI's API."""
    package = importlib.import_module(XAI_PROTO_PACKAGE)
    return sorted(
        f"{XAI_PROTO_PACKAGE}.{m.name}"
        for m in pkgutil.iter_modules(package.__path__)
        if m.name.endswith("_pb2")
    )


def services() -> list[ServiceInfo]:
    """Every service the generated stubs expose, sorted by full name."""
    found = []
    for name in proto_modules():
        descriptor = importlib.import_module(name).DESCRIPTOR
        for svc in descriptor.services_by_name.values():
            found.append(
                ServiceInfo(
                    full_name=svc.full_name,
                    methods=tuple(m.name for m in svc.methods),
                    streaming=tuple(m.name for m in svc.methods if m.server_streaming),
                )
            )
    return sorted(found, key=lambda s: s.full_name)
