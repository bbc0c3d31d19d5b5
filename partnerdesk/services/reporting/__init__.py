"""Stage 1 of every PDF report: gather a frozen report object from the database.

The renderers in `partnerdesk.reports` turn these objects into PDF bytes and never
query, so everything a page shows is decided here — in particular what a partner
may see. With `for_partner` (the default), contacts whose `share_ok` is off and
every `internal_notes` field are never read into the report at all: a renderer
cannot leak what it was never given.

An unknown partnership or meeting, and a period in which nothing happened, raise a
`PartnerDeskError` with a sentence that says what to do, so no empty PDF is made.

One module per report (`partnership`, `agreements`, `resource_map`, `directory`,
`minutes`, `funding`), what they share in `common`, the paper size in `paper`; `gather` is the
one entry point the command line, the app's worker and the tests use.
"""

from __future__ import annotations

from partnerdesk.errors import PartnerDeskError
from partnerdesk.services.desk import Desk
from partnerdesk.services.report_kinds import (
    KINDS,
    REPORT_KINDS,
    ReportKind,
    ReportOptions,
    covers_period,
    report_kind,
)
from partnerdesk.services.reporting.agreements import (
    AgreementLine,
    AgreementsRegister,
    ObligationLine,
    agreements_register,
)
from partnerdesk.services.reporting.common import (
    ActionLine,
    ContactLine,
    Letterhead,
    Period,
    ReportMeta,
    ResourceLine,
    letterhead,
    phone_text,
)
from partnerdesk.services.reporting.directory import (
    DirectoryOrganization,
    DirectoryReport,
    contact_directory,
)
from partnerdesk.services.reporting.funding import (
    DeliverableLine,
    FundingLine,
    FundingRegister,
    FundingTotals,
    funding_register,
    open_deliverables,
)
from partnerdesk.services.reporting.minutes import MinutesReport, find_meeting, meeting_minutes
from partnerdesk.services.reporting.paper import (
    PAGE_SIZE_SETTING,
    PAGE_SIZES,
    default_page_size,
    page_size,
)
from partnerdesk.services.reporting.partnership import (
    IndicatorSeries,
    MeetingLine,
    MilestoneLine,
    PartnershipReport,
    PathwayLine,
    find_partnership,
    partnership_report,
)
from partnerdesk.services.reporting.resource_map import (
    GapLine,
    NeedLine,
    ResourceMapReport,
    resource_map_report,
)

Report = PartnershipReport | AgreementsRegister | ResourceMapReport | DirectoryReport | \
    MinutesReport | FundingRegister


def gather(desk: Desk, options: ReportOptions) -> Report:
    """The report object `options` ask for (the CLI, the app and its worker use this)."""
    kind = report_kind(options.kind)
    if options.include_internal and not kind.internal:
        raise PartnerDeskError("Internal details can only be included in the contact "
                               "directory and the funding register; reports for partners "
                               "never show them.")
    if not kind.period and (options.start or options.end):
        raise PartnerDeskError("Only the partnership report, the agreements register and the "
                               "funding register cover a period; leave out --from and --to "
                               "for this one.")
    today = options.today
    if options.kind == "partnership":
        return partnership_report(desk, options.partnership, start=options.start,
                                  end=options.end, today=today)
    if options.kind == "agreements":
        return agreements_register(desk, start=options.start, end=options.end, today=today)
    if options.kind == "resources":
        return resource_map_report(desk, today=today)
    if options.kind == "funding":
        return funding_register(desk, start=options.start, end=options.end,
                                include_internal=options.include_internal, today=today)
    if options.kind == "directory":
        return contact_directory(desk, include_internal=options.include_internal, today=today)
    return meeting_minutes(desk, options.meeting, today=today)


__all__ = [
    "KINDS", "PAGE_SIZES", "PAGE_SIZE_SETTING", "REPORT_KINDS", "ActionLine",
    "AgreementLine",
    "AgreementsRegister", "ContactLine", "DeliverableLine", "DirectoryOrganization",
    "DirectoryReport", "FundingLine", "FundingRegister", "FundingTotals", "GapLine",
    "IndicatorSeries", "Letterhead", "MeetingLine", "MilestoneLine", "MinutesReport",
    "NeedLine", "ObligationLine", "PartnershipReport", "PathwayLine", "Period", "Report",
    "ReportKind", "ReportMeta", "ReportOptions", "ResourceLine", "ResourceMapReport",
    "agreements_register", "contact_directory", "covers_period", "default_page_size",
    "find_meeting", "find_partnership", "funding_register", "gather",
    "open_deliverables", "letterhead", "meeting_minutes", "page_size",
    "partnership_report", "phone_text", "report_kind", "resource_map_report",
]
