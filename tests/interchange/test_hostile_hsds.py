"""Small HSDS packages of huge cost, and folders with links (issue 16, cases 5 and 6):
refused with a sentence before anything large is read, exit status 1, nothing changed."""

import contextlib
import io
import os
import shutil
import zipfile
from pathlib import Path

import pytest

from partnerdesk.cli import main as cli_main
from partnerdesk.services import Desk
from partnerdesk.sharing import hsds
from tests.sharing.conftest import dump

EXAMPLE = Path(__file__).parent.parent / "data" / "hsds1-simple"


def refused(db_path: Path, package: Path, *said: str) -> None:
    Desk.open(db_path).close()
    before = dump(db_path)
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = cli_main(["--db", str(db_path), "import-hsds", str(package)])
    text = out.getvalue()
    assert code == 1, text
    assert "unexpected" not in text
    for words in said:
        assert words in text, text
    assert dump(db_path) == before


def folder_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "package"
    shutil.copytree(EXAMPLE, folder)
    return folder


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_table_linked_to_dev_zero_is_never_read(db_path: Path, tmp_path: Path) -> None:
    folder = folder_copy(tmp_path)
    (folder / "phones.csv").unlink()
    (folder / "phones.csv").symlink_to("/dev/zero")
    refused(db_path, folder, "phones.csv", "link")


def test_a_link_out_of_the_folder_is_never_followed(db_path: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.csv"
    secret.write_text("id,name\nx,Someone's private list\n")
    folder = folder_copy(tmp_path)
    (folder / "organizations.csv").unlink()
    (folder / "organizations.csv").symlink_to(secret)
    refused(db_path, folder, "organizations.csv", "link")


def test_a_link_inside_the_folder_is_read(desk: Desk, tmp_path: Path) -> None:
    folder = folder_copy(tmp_path)
    os.replace(folder / "phones.csv", folder / "phones-2025.csv")
    (folder / "phones.csv").symlink_to("phones-2025.csv")
    assert hsds.read_package(folder)["phones"] == hsds.read_package(EXAMPLE)["phones"]


def test_a_zip_bomb_is_refused_unread(db_path: Path, tmp_path: Path) -> None:
    package = tmp_path / "bomb.zip"
    with zipfile.ZipFile(package, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("organizations.csv", "id,name\n" + "a" * (50 * 1024 * 1024))
    assert package.stat().st_size < 1024 * 1024
    refused(db_path, package, "expands")


def test_a_zip_whose_sizes_lie_is_refused(db_path: Path, tmp_path: Path) -> None:
    package = tmp_path / "liar.zip"
    with zipfile.ZipFile(package, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("organizations.csv", "id,name\n" + "o,Clinic\n" * 100_000)
    data = bytearray(package.read_bytes())
    # the sizes in the central directory (what ZipFile believes) say 10 bytes
    central = data.rfind(b"PK\x01\x02")
    data[central + 24:central + 28] = (10).to_bytes(4, "little")
    package.write_bytes(bytes(data))
    refused(db_path, package)


def test_a_bit_flip_in_a_zipped_table_is_refused(db_path: Path, tmp_path: Path) -> None:
    package = tmp_path / "flipped.zip"
    with zipfile.ZipFile(package, "w", zipfile.ZIP_DEFLATED) as archive:
        for table in EXAMPLE.glob("*.csv"):
            archive.write(table, table.name)
    data = bytearray(package.read_bytes())
    start = data.find(b"organizations.csv") + len("organizations.csv") + 5
    for offset in range(start, start + 40):
        flipped = bytearray(data)
        flipped[offset] ^= 0x10
        package.write_bytes(bytes(flipped))
        with contextlib.suppress(hsds.ImportFileError):
            hsds.read_package(package)  # refused with a sentence, or read: never a crash
    package.write_bytes(bytes(data[:start]) + bytes([data[start] ^ 0xFF]) * 60
                        + bytes(data[start + 60:]))
    refused(db_path, package)


def test_a_table_of_too_many_rows_is_refused(db_path: Path, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hsds, "MAX_TABLE_ROWS", 50)
    folder = folder_copy(tmp_path)
    (folder / "phones.csv").write_text(
        "id,organization_id,number\n" + "".join(f"p{i},o1,555-01{i:02}\n" for i in range(60)))
    refused(db_path, folder, "more than 50 rows")


# -- small packages that once cost minutes and gigabytes -----------------------------------

def zipped(tmp_path: Path, tables: dict[str, str]) -> Path:
    package = tmp_path / "package.zip"
    with zipfile.ZipFile(package, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in tables.items():
            archive.writestr(name, text)
    return package


def test_tables_the_importer_does_not_read_are_never_parsed(db_path: Path,
                                                            tmp_path: Path) -> None:
    """199 tables of 200,000 rows nobody reads made a 100 KB zip take minutes and more
    than 2.5 GB; here they are not even CSV, and the package imports."""
    tables = {"organizations.csv": "id,name\no1,Harbor Clinic\n"}
    tables.update({f"extra_{i}.csv": 'id,name\n"broken"quote,x\n' for i in range(150)})
    package = zipped(tmp_path, tables)
    assert set(hsds.read_package(package)) == {"organizations"}
    with pytest.raises(hsds.ImportFileError, match="not a well-formed CSV"):
        hsds.read_package(package, wanted=None)  # read, they would be refused
    with Desk.open(db_path) as desk:
        hsds.apply_hsds(desk, hsds.plan_hsds(desk, package))
        assert [o.name for o in desk.organizations.list() if not o.is_us] == ["Harbor Clinic"]


def test_more_values_than_a_directory_holds_are_refused(db_path: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hsds, "MAX_CELLS", 100)
    rows = "".join(f"p{i},o1,555-01{i:02}\n" for i in range(40))
    package = zipped(tmp_path, {"organizations.csv": "id,name\no1,Harbor Clinic\n",
                                "phones.csv": "id,organization_id,number\n" + rows})
    refused(db_path, package, "more than 100 values")


def test_a_line_of_a_million_columns_is_refused(db_path: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hsds, "MAX_LINE", 10_000)
    header = ",".join(f"c{i}" for i in range(3000))
    package = zipped(tmp_path, {"organizations.csv": f"id,name,{header}\no1,Harbor Clinic\n"})
    refused(db_path, package, "a line longer than 10,000 characters")


def test_one_service_named_in_every_row_keeps_a_few_of_them(desk: Desk,
                                                            tmp_path: Path) -> None:
    """Every schedule, phone and term row naming one service once made each of those rows
    scan all the others (a 4,000-row package: five minutes); a service keeps
    `MAX_LINKED` of each."""
    many = 3 * hsds.MAX_LINKED
    package = zipped(tmp_path, {
        "organizations.csv": "id,name\no1,Harbor Clinic\n",
        "services.csv": "id,organization_id,name\ns1,o1,Food pantry\n",
        "schedules.csv": "id,service_id,description\n" + "".join(
            f"x{i},s1,Open on day {i}\n" for i in range(many)),
        "phones.csv": "id,service_id,number\n" + "".join(
            f"p{i},s1,555-01{i:02}\n" for i in range(many)),
        "taxonomy_terms.csv": "id,name\n" + "".join(f"t{i},Term {i}\n" for i in range(many)),
        "service_taxonomy.csv": "id,service_id,taxonomy_term_id\n" + "".join(
            f"st{i},s1,t{i}\n" for i in range(many))})
    (service,) = hsds.plan_hsds(desk, package).services
    assert service.values["schedule"].count("Open on day") == hsds.MAX_LINKED
    assert service.values["schedule"].startswith("Open on day 0; Open on day 1;")
    assert service.values["notes"].count("Phone: ") == hsds.MAX_LINKED
    assert service.values["notes"].count("Term ") == hsds.MAX_LINKED
