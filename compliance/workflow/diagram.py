"""The request state diagram, generated from the transitions of compliance/workflow/machine.py
(django-fsm-2's own transition registry), as a Mermaid block for the README. A test keeps the
README's copy in sync (`python manage.py request_states` prints it)."""

from __future__ import annotations

from compliance.models import DataSubjectRequest
from compliance.workflow.machine import GUARDS, TRANSITION_NAMES, RequestStatus


def _targets(target) -> list[str]:
    allowed = getattr(target, "allowed_states", None)
    return list(allowed) if allowed is not None else [target]


def transitions() -> list[tuple[str, str, str]]:
    """(source, target, transition) for every transition, in the machine's order."""
    edges = []
    field = DataSubjectRequest._meta.get_field("status")
    by_name = {t.name: t for t in field.get_all_transitions(DataSubjectRequest)}
    order = {status.value: index for index, status in enumerate(RequestStatus)}
    for name in TRANSITION_NAMES:
        items = getattr(DataSubjectRequest, name)._django_fsm.transitions.items()
        for source, transition in sorted(items, key=lambda item: order[item[0]]):
            for target in _targets(transition.target):
                edges.append((source, target, name))
    assert set(by_name) == set(TRANSITION_NAMES), "every transition is listed in TRANSITION_NAMES"
    return edges


def mermaid() -> str:
    """A Mermaid stateDiagram: each edge labelled with its transition and, in brackets, its guards."""
    ids = {status.value: status.name.lower() for status in RequestStatus}
    lines = ["stateDiagram-v2", f"    [*] --> {ids[RequestStatus.AWAITING_EMAIL]}: submit"]
    for status in RequestStatus:
        lines.append(f"    {ids[status.value]}: {status.label}")
    for source, target, name in transitions():
        guards = ", ".join(guard.name for guard in GUARDS.get(name, ()))
        label = f"{name} [{guards}]" if guards else name
        lines.append(f"    {ids[source]} --> {ids[target]}: {label}")
    for status in (RequestStatus.COMPLETED, RequestStatus.REFUSED, RequestStatus.EXPIRED, RequestStatus.WITHDRAWN):
        lines.append(f"    {ids[status.value]} --> [*]")
    return "\n".join(lines)
