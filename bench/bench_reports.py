"""Building reports at `demo --scale N` against raw ReportLab with the same table rows.

Each figure times a whole report as the app makes it (`build_pdf`: gather from the
database, then lay out and write the PDF). Its baseline, measured in the same run, is
the least ReportLab itself needs for the same rows: one `LongTable` of plain strings
(the report's own texts, one row per row the report's tables hold) with a repeated
header, in the same embedded font, on the same paper, through `SimpleDocTemplate`. The
baseline wraps nothing, draws no letterhead, headings or charts and reads no database,
so it is a floor; the target is at most 1.5 times it.

At scale 100 the sample holds only a handful of agreements, so a third figure lays out a
register of 5,000 agreements (the size at which layout cost shows) against the same
kind of baseline.

The contact directory of 5,000 contacts (the sample at scale 10, all but 5,000 of its
shareable contacts marked not to be shared, through the services) is made whole, from
the database to the PDF, against the tool a person would use instead: LibreOffice
turning a CSV of the same rows into a PDF (`soffice --headless --convert-to pdf`, started
afresh each time, as a person's conversion is; its first start, which makes its profile,
is not timed). Without `soffice` the line says so and the figure is not judged.

    python -m bench.bench_reports
"""

import csv
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from io import BytesIO
from pathlib import Path

from reportlab.platypus import LongTable, SimpleDocTemplate, TableStyle

from bench.common import Figure, demo_database, median_time, paired_times
from partnerdesk.reports import build_pdf, render
from partnerdesk.reports.fonts import BOLD, REGULAR, register_fonts
from partnerdesk.reports.page import PAGE_SIZES, SIDE, frame_width
from partnerdesk.reports.text import day, days_left, number, when
from partnerdesk.services import Desk
from partnerdesk.services.reporting import (
    AgreementLine,
    AgreementsRegister,
    DirectoryReport,
    Letterhead,
    PartnershipReport,
    ReportMeta,
    ReportOptions,
    gather,
)

TARGET = 1.5
RUNS = 3
PAIRED_RUNS = 7  # a figure and its baseline in turns (`paired_times`): under a second each
PAPER = "letter"
BIG_REGISTER = 5000
DIRECTORY_ROWS = 5000


def raw_table_pdf(rows: Sequence[Sequence[str]]) -> bytes:
    """The floor: the rows as one plain LongTable, header repeated, nothing else."""
    width = frame_width(PAPER)
    columns = max(len(row) for row in rows)
    header = [f"Column {i + 1}" for i in range(columns)]
    table = LongTable([header, *[list(row) + [""] * (columns - len(row)) for row in rows]],
                      colWidths=[width / columns] * columns, repeatRows=1)
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), REGULAR, 8.5, 10.5),
                               ("FONT", (0, 0), (-1, 0), BOLD, 8.5, 10.5),
                               ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LINEBELOW", (0, 0), (-1, -1), 0.25, (0.55, 0.55, 0.55))]))
    buffer = BytesIO()
    SimpleDocTemplate(buffer, pagesize=PAGE_SIZES[PAPER], leftMargin=SIDE, rightMargin=SIDE,
                      initialFontName=REGULAR).build([table])
    return buffer.getvalue()


def register_rows(lines: Sequence[AgreementLine]) -> list[list[str]]:
    return [[line.title, ", ".join(line.parties), day(line.effective), day(line.expiry),
             days_left(line.days_left), line.renewal_terms] for line in lines]


def partnership_rows(report: PartnershipReport) -> list[list[str]]:
    """One row for every row the partnership report's tables hold, with its texts."""
    rows: list[list[str]] = [[label, value] for label, value in (
        ("Status", report.status), ("Kind", report.kind), ("Since", day(report.since)),
        ("Next review", day(report.next_review)), ("Our lead", report.our_lead))]
    rows += [[f"Lead at {name}", lead] for name, lead in report.partners]
    rows += [[m.title, day(m.due), m.state] for m in report.milestones]
    rows += [[i.name, i.unit, number(i.target), number(i.latest)] for i in report.indicators]
    for line in report.agreements:
        rows += register_rows([line])
        rows += [[o.party, o.description, o.frequency, day(o.due)] for o in line.obligations]
    rows += [[r.provider, r.name, r.category, r.capacity, r.eligibility]
             for r in report.resources]
    rows += [[p.from_org, p.to_org, p.category, str(p.total)] for p in report.pathways]
    rows += [[when(m.starts_at), m.title, m.location, m.decisions] for m in report.meetings]
    rows += [[a.description, a.owner, day(a.due)] for a in report.actions]
    rows += [[c.name, c.role, c.organization, c.email, c.phone] for c in report.contacts]
    return rows


def _busiest(desk: Desk) -> tuple[str, date, date]:
    """The partnership with the most meetings, and the last twelve months it met in."""
    ships = desk.partnerships.list()
    counts = {p.id: desk.meetings.count(where={"partnership_id": p.id}) for p in ships}
    ship = max(ships, key=lambda p: (counts[p.id], p.title))
    last = desk.meetings.list(where={"partnership_id": ship.id}, order_by="starts_at",
                              descending=True, limit=1)[0].starts_at.date()
    return ship.id, last - timedelta(days=365), last


def _figure(name: str, ours: Callable[[], object], raw: Callable[[], object],
            rows: int) -> Figure:
    ours(), raw()  # once each first: fonts, caches and statements made (not timed)
    ours_time, raw_time = paired_times(ours, raw, runs=PAIRED_RUNS)
    return Figure(f"{name} ({rows:,} table rows)", ours_time, "s", raw_time,
                  f"<= {TARGET}x raw", ours_time <= TARGET * raw_time)


def big_register(count: int = BIG_REGISTER) -> AgreementsRegister:
    """A register of `count` agreements, a tenth of them flagged, as plain data."""
    today = date(2026, 6, 15)
    lines = tuple(AgreementLine(
        title=f"Memorandum of understanding {i:05d}", status="Active",
        parties=("Eastside Community Partners", f"Partner organization {i}"),
        effective=today - timedelta(days=i % 400), expiry=today + timedelta(days=i % 900),
        days_left=i % 900, partnership=f"Partnership {i % 40}",
        renewal_terms="Renews for one year unless either party gives notice in writing.",
        flag="expiring" if i % 900 <= 60 else "") for i in range(count))
    meta = ReportMeta("agreements", "Agreements register", "Every agreement",
                      Letterhead("Eastside Community Partners"), today)
    return AgreementsRegister(meta, (("Active", lines),))


def directory_rows(report: DirectoryReport) -> list[list[str]]:
    return [[org.name, c.name, c.role, c.email, c.phone, c.notes]
            for org in report.organizations for c in org.contacts]


def directory_database(folder: Path, rows: int = DIRECTORY_ROWS) -> Path:
    """A copy of the scale-10 sample whose directory lists `rows` contacts."""
    path = folder / "directory.db"
    shutil.copyfile(demo_database(10), path)
    with Desk.open(path) as desk:
        shared = desk.contacts.ids(where={"share_ok": True})
        desk.contacts.update_many(sorted(shared)[rows:], share_ok=False)
    return path


def libreoffice_pdf(soffice: str, rows: Sequence[Sequence[str]], folder: Path,
                    profile: Path) -> Callable[[], object]:
    """One conversion of the rows' CSV to a PDF by LibreOffice, as a person runs it."""
    source = folder / "directory.csv"
    with source.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([["Organization", "Name", "Role", "E-mail", "Phone",
                                       "Notes"], *rows])

    def convert() -> None:
        subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                        "--infilter=CSV:44,34,76,1", "--convert-to", "pdf", "--outdir",
                        str(folder), str(source)], check=True, capture_output=True,
                       timeout=600)
        if not (folder / "directory.pdf").stat().st_size:
            raise RuntimeError("LibreOffice wrote an empty PDF")
    return convert


def directory_figures() -> list[Figure]:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        with Desk.open(directory_database(folder)) as desk:
            options = ReportOptions("directory", page_size=PAPER)
            report = gather(desk, options)
            assert isinstance(report, DirectoryReport)
            rows = directory_rows(report)
            ours = median_time(lambda: build_pdf(desk, options), runs=RUNS)
        raw = median_time(lambda: raw_table_pdf(rows), runs=RUNS)
        label = f"contact directory ({len(rows):,} contacts)"
        figures = [Figure(label + " beside raw ReportLab", ours, "s", raw, "(reported)", True)]
        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        if soffice is None:
            print("     (LibreOffice is not installed here: the directory is not compared "
                  "with its CSV-to-PDF; apt-get install libreoffice-calc-nogui)")
            return figures
        convert = libreoffice_pdf(soffice, rows, folder, folder / "profile")
        convert()  # its first start makes its profile
        office = median_time(convert, runs=RUNS)
    figures.append(Figure(label + " beside LibreOffice CSV to PDF", ours, "s", office,
                          "<= LibreOffice", ours <= office))
    return figures


def measure() -> list[Figure]:
    register_fonts()
    path = demo_database()
    figures = []
    with Desk.open(path) as desk:
        ship, start, end = _busiest(desk)
        partnership = ReportOptions("partnership", partnership=ship, start=start, end=end,
                                    today=end, page_size=PAPER)
        report = gather(desk, partnership)
        assert isinstance(report, PartnershipReport)
        rows = partnership_rows(report)
        figures.append(_figure("partnership report", lambda: build_pdf(desk, partnership),
                               lambda: raw_table_pdf(rows), len(rows)))
        agreements = ReportOptions("agreements", page_size=PAPER)
        register = gather(desk, agreements)
        assert isinstance(register, AgreementsRegister)
        lines = register_rows([line for _, group in register.groups for line in group])
        figures.append(_figure("agreements register", lambda: build_pdf(desk, agreements),
                               lambda: raw_table_pdf(lines), len(lines)))
    big = big_register()
    big_lines = register_rows([line for _, group in big.groups for line in group])
    figures.append(_figure("agreements register, layout only", lambda: render(big, PAPER),
                           lambda: raw_table_pdf(big_lines), len(big_lines)))
    return figures + directory_figures()


if __name__ == "__main__":
    for figure in measure():
        print(figure.line(), flush=True)
