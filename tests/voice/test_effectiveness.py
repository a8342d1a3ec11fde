"""The channel's figures from plain rows (voice.effectiveness): medians, overdue, groups, and
"no signal" for a running site nobody has used."""

from datetime import UTC, date, datetime, timedelta

from supplychain.voice.effectiveness import CaseRow, CheckInRow, SiteRow, by_site, measure

DAY0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
TODAY = date(2026, 3, 20)


def _case(case_id, status, ack_days=None, close_days=None, site_id=1):
    return CaseRow(
        id=case_id,
        site_id=site_id,
        status=status,
        created_at=DAY0,
        acknowledge_by=DAY0.date() + timedelta(days=7),
        acknowledged_at=DAY0 + timedelta(days=ack_days) if ack_days is not None else None,
        closed_at=DAY0 + timedelta(days=close_days) if close_days is not None else None,
    )


def test_figures_of_a_site():
    cases = [
        _case(1, "received"),  # overdue: due on the 9th
        _case(2, "acknowledged", ack_days=1),
        _case(3, "closed", ack_days=2, close_days=4),
        _case(4, "closed", ack_days=6, close_days=10),
    ]
    check_ins = [CheckInRow(1, 5)] * 5 + [CheckInRow(1, None)] * 2 + [CheckInRow(1, 6)]
    figures = measure(cases, check_ins, TODAY)
    assert (figures.reports, figures.open_cases, figures.overdue) == (4, 2, 1)
    assert (figures.days_to_acknowledge, figures.days_to_close) == (2.0, 7.0)
    assert (figures.check_ins, figures.groups_shown, figures.groups_waiting) == (8, 1, 2)


def test_a_running_site_without_reports_or_check_ins_is_no_signal():
    sites = [SiteRow(1, "Used"), SiteRow(2, "Silent"), SiteRow(3, "Gone", archived=True)]
    rows = by_site(sites, [_case(1, "received", site_id=1)], [CheckInRow(1, None)], TODAY)
    assert [row.no_signal for row in rows] == [False, True, False]
    silent = rows[1].figures
    assert silent.reports == silent.check_ins == silent.overdue == 0
    assert silent.days_to_acknowledge is None and silent.days_to_close is None
