"""Stage 2 of every report: ReportLab renderers that turn a frozen report object into PDF
bytes without touching the database. `build_pdf` runs both stages."""

from partnerdesk.services.desk import Desk
from partnerdesk.services.reporting import (
    AgreementsRegister,
    DirectoryReport,
    FundingRegister,
    MinutesReport,
    PartnershipReport,
    Report,
    ReportOptions,
    ResourceMapReport,
    gather,
    page_size,
)


def render(report: Report, page_size: str = "letter") -> bytes:
    """The PDF for a gathered report."""
    if isinstance(report, PartnershipReport):
        from partnerdesk.reports.partnership import render_partnership

        return render_partnership(report, page_size)
    if isinstance(report, AgreementsRegister):
        from partnerdesk.reports.agreements import render_agreements

        return render_agreements(report, page_size)
    if isinstance(report, ResourceMapReport):
        from partnerdesk.reports.resources import render_resources

        return render_resources(report, page_size)
    if isinstance(report, DirectoryReport):
        from partnerdesk.reports.directory import render_directory

        return render_directory(report, page_size)
    if isinstance(report, FundingRegister):
        from partnerdesk.reports.funding import render_funding

        return render_funding(report, page_size)
    if isinstance(report, MinutesReport):
        from partnerdesk.reports.minutes import render_minutes

        return render_minutes(report, page_size)
    raise TypeError(f"No renderer for {type(report).__name__}")


def build_pdf(desk: Desk, options: ReportOptions) -> bytes:
    """Gather, then render: what the command line, the app's worker and the tests call."""
    size = page_size(desk, options.page_size)
    return render(gather(desk, options), size)


__all__ = ["build_pdf", "render"]
