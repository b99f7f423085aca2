"""Demo data: 北京燕山华瑞化工有限公司's hidden danger statistical tables of the last two quarters,
pre-filled from its hidden danger records; the earlier one submitted, the latest a draft."""

from __future__ import annotations

from django.utils import timezone

from anjian.dangerstats.models import DangerStatReport, current_report_period
from anjian.dangerstats.services import save_report, submit_report
from anjian.demo import ENT_BJ_USCC
from anjian.enterprises.models import Enterprise


def _previous(year: int, period: str) -> tuple[int, str]:
    quarter = int(period[1])
    return (year - 1, "q4") if quarter == 1 else (year, f"q{quarter - 1}")


def load_demo() -> str:
    enterprise = Enterprise.objects.filter(uscc=ENT_BJ_USCC).first()
    if enterprise is None:
        return "dangerstats: no demo enterprise, nothing loaded"
    latest = current_report_period(timezone.localdate())
    created = 0
    for (year, period), submit in ((_previous(*latest), True), (latest, False)):
        if DangerStatReport.objects.filter(enterprise=enterprise, year=year, period=period).exists():
            continue
        report = save_report(
            DangerStatReport(enterprise=enterprise, year=year, period=period, principal="王建国"), user=None
        )
        if submit:
            submit_report(report, user=None)
        created += 1
    return f"dangerstats: {created} statistical tables created ({DangerStatReport.objects.count()} in total)"
