"""The compliance audit for a period: how the requests received in it were handled.

Made on a worker (it reads every request of the period and walks the whole audit chain). It
states, for requests received between the first and the last day of the period (inclusive, in
the service's time zone):

1. how many were received, by type and by country, and how many were never verified;
2. how many were answered (completed or refused), how many on time (answer date on or before the
   due date, extended or not, GDPR Art. 12(3)), the median and the worst response time;
3. the extensions and their stated reasons, and whether the requester was told within the first
   month;
4. the refusals, by ground, with their reasons;
5. the erasures: what was deleted, and the re-check result of each;
6. the requests overdue on the audit date (the period's last day, or today if earlier);
7. the result of checking the whole audit-trail hash chain (`audit_verify`) when the audit ran.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count
from django.utils import timezone

from compliance.models import OPEN_STATUSES, DataSubjectRequest, RequestStatus, RequestType
from compliance.workflow.machine import DECIDED_TYPES
from core.audit import audit_verify
from core.charts import bar_chart
from core.models import AuditEvent
from reports.services import ReportContent, ReportParameterError

MAX_PERIOD_DAYS = 366 * 5


@dataclass(frozen=True)
class Answered:
    dsr: DataSubjectRequest
    answered_on: date
    days: int
    on_time: bool


def _parse_day(parameters: dict, key: str) -> date:
    raw = parameters.get(key)
    if not raw:
        raise ReportParameterError(f"Give {key.replace('_', ' ')} (YYYY-MM-DD).")
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        raise ReportParameterError(f"{key.replace('_', ' ').capitalize()} is not a date (YYYY-MM-DD).") from None


def audit_clean(*, parameters: dict, user) -> dict:
    start = _parse_day(parameters, "period_start")
    end = _parse_day(parameters, "period_end")
    if end < start:
        raise ReportParameterError("The end of the period is before its start.")
    if (end - start).days > MAX_PERIOD_DAYS:
        raise ReportParameterError("An audit covers at most five years.")
    if start > timezone.localdate():
        raise ReportParameterError("The period starts in the future.")
    return {"period_start": start.isoformat(), "period_end": end.isoformat()}


def _local_day(moment: datetime | None) -> date | None:
    return timezone.localtime(moment).date() if moment else None


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    return (
        timezone.make_aware(datetime.combine(start, time.min), zone),
        timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), zone),
    )


def compliance_audit_data(*, period_start: date, period_end: date, today: date | None = None) -> dict:
    """All figures of the audit (see the module docstring), as plain data for the template."""
    from compliance.models import ErasureRecord, ErasureStatus

    today = today or timezone.localdate()
    as_of = min(period_end, today)
    since, until = _bounds(period_start, period_end)
    requests = list(
        DataSubjectRequest.objects.filter(received_at__gte=since, received_at__lt=until).order_by("received_at", "id")
    )

    by_type = Counter(dsr.request_type for dsr in requests)
    by_country = Counter(dsr.country for dsr in requests)
    type_country: dict[str, Counter] = {}
    for dsr in requests:
        type_country.setdefault(dsr.country, Counter())[dsr.request_type] += 1
    country_rows = [
        {
            "country": country,
            "access": counts[RequestType.ACCESS],
            "erasure": counts[RequestType.ERASURE],
            "both": counts[RequestType.BOTH],
            # Rectification, restriction and objection (GDPR Art. 16, 18, 21), each a request.
            "other_rights": sum(counts[value] for value in DECIDED_TYPES),
            "total": sum(counts.values()),
        }
        for country, counts in sorted(type_country.items(), key=lambda item: (-sum(item[1].values()), item[0]))
    ]

    answered: list[Answered] = []
    for dsr in requests:
        moment = dsr.completed_at if dsr.status == RequestStatus.COMPLETED else None
        if dsr.status == RequestStatus.REFUSED:
            moment = dsr.refused_at
        day = _local_day(moment)
        if day is None:
            continue
        answered.append(
            Answered(
                dsr=dsr,
                answered_on=day,
                days=(day - _local_day(dsr.received_at)).days,
                on_time=day <= dsr.effective_due_date,
            )
        )
    days = [item.days for item in answered]
    worst = max(answered, key=lambda item: (item.days, -item.dsr.pk), default=None)

    open_requests = [dsr for dsr in requests if dsr.status in OPEN_STATUSES]
    overdue = sorted(
        (
            {"dsr": dsr, "days_overdue": (as_of - dsr.effective_due_date).days}
            for dsr in open_requests
            if dsr.effective_due_date < as_of
        ),
        key=lambda row: (-row["days_overdue"], row["dsr"].received_at),
    )
    extensions = [
        {
            "dsr": dsr,
            "notified_in_time": bool(
                dsr.extension_notified_at and _local_day(dsr.extension_notified_at) <= dsr.due_date
            ),
        }
        for dsr in requests
        if dsr.extended_due_date
    ]
    refusals = [dsr for dsr in requests if dsr.status == RequestStatus.REFUSED]
    refusal_grounds = Counter(dsr.get_refusal_basis_display() for dsr in refusals)

    erasures = list(
        ErasureRecord.objects.filter(request__in=[dsr.pk for dsr in requests])
        .select_related("request", "approved_by")
        .order_by("request__received_at", "id")
    )
    erasure_totals = {
        "faces_deleted": sum(item.faces_deleted for item in erasures),
        "photos_deleted": sum(item.photos_deleted for item in erasures),
        "photos_redacted": sum(item.photos_redacted for item in erasures),
        "done": sum(1 for item in erasures if item.status == ErasureStatus.DONE),
        "alerts": sum(1 for item in erasures if item.status == ErasureStatus.ALERT),
    }

    events_by_action = list(
        AuditEvent.objects.filter(created_at__gte=since, created_at__lt=until)
        .values("action")
        .annotate(count=Count("id"))
        .order_by("-count", "action")
    )
    chain = audit_verify()
    return {
        "period_start": period_start,
        "period_end": period_end,
        "as_of": as_of,
        "requests": requests,
        "received": len(requests),
        # Access, erasure and both always; rectification, restriction and objection (issue 16)
        # when the period received any, so that a quarter without them reads as before.
        "by_type": [
            (label, by_type[value])
            for value, label in RequestType.choices
            if value not in DECIDED_TYPES or by_type[value]
        ],
        "other_rights": sum(by_type[value] for value in DECIDED_TYPES),
        "by_country": sorted(by_country.items(), key=lambda item: (-item[1], item[0])),
        "country_rows": country_rows,
        "never_verified": sum(1 for dsr in requests if dsr.email_verified_at is None),
        "withdrawn": sum(1 for dsr in requests if dsr.status == RequestStatus.WITHDRAWN),
        "answered": answered,
        "answered_count": len(answered),
        "on_time": sum(1 for item in answered if item.on_time),
        "late": [item for item in answered if not item.on_time],
        "median_days": statistics.median(days) if days else None,
        "worst": worst,
        "open_count": len(open_requests),
        "overdue": overdue,
        "extensions": extensions,
        "refusals": refusals,
        "refusal_grounds": sorted(refusal_grounds.items(), key=lambda item: (-item[1], item[0])),
        "erasures": erasures,
        "erasure_totals": erasure_totals,
        "events_by_action": events_by_action,
        "events_total": sum(row["count"] for row in events_by_action),
        "chain": chain,
    }


def audit_build(*, report, parameters: dict, user) -> ReportContent:

    start = date.fromisoformat(parameters["period_start"])
    end = date.fromisoformat(parameters["period_end"])
    data = compliance_audit_data(period_start=start, period_end=end)
    charts = {
        "by_country": bar_chart(
            [(country, count) for country, count in data["by_country"]],
            title="Requests received by country",
            value_format=str,
            width=520,
            empty_message="No requests in this period",
        ),
        "by_type": bar_chart(
            [(str(label), count) for label, count in data["by_type"]],
            title="Requests received by type",
            value_format=str,
            width=520,
        ),
    }
    title = f"Compliance audit {start:%d %b %Y} – {end:%d %b %Y}"
    return ReportContent(
        template="reports/pdf/compliance_audit.html",
        context={"audit": data, "charts": charts},
        title=title,
        filter_text=f"period_start={start.isoformat()}&period_end={end.isoformat()}",
    )
