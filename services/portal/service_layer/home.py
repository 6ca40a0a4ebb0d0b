"""Each workspace's home page: who is signed in, and what waits for them at their service."""
from __future__ import annotations

from dataclasses import dataclass

from services.portal.adapters.services import ServiceClients, ServiceRefused, ServiceUnavailable
from services.portal.domain.directory import DirectoryEntry

# workspace → (service, path, params, label of the count)
WAITING = {
    "enterprise": ("intake", "/applications", {}, "我的申请"),
    "officials": ("review", "/tasks", {"status": "open"}, "待办事项"),
    "chain_office": ("review", "/tasks", {"status": "open"}, "待办事项"),
    "finance": ("payout", "/payout-stages", {"status": "pending"}, "待拨付分期"),
}


@dataclass(frozen=True)
class Waiting:
    label: str
    count: int | None  # None: the service could not be asked just now


def waiting_for(clients: ServiceClients, user: DirectoryEntry) -> Waiting | None:
    if user.workspace not in WAITING:
        return None
    service, path, params, label = WAITING[user.workspace]
    try:
        rows = clients.call(service, "GET", path, user=user, params=params)
    except (ServiceUnavailable, ServiceRefused):
        return Waiting(label, None)
    return Waiting(label, len(rows))
