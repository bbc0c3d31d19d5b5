"""`partnerdesk gaps`, `network` and `import-needs`."""

import json
from pathlib import Path

import pytest
from PIL import Image

from partnerdesk.cli import main
from partnerdesk.services import Desk
from partnerdesk.services.demo import load_demo
from tests.conftest import TODAY


@pytest.fixture
def demo_db(db_path: Path) -> Path:
    with Desk.open(db_path) as desk:
        load_demo(desk, today=TODAY)
    return db_path


def test_gaps_json(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(demo_db), "gaps", "--json"]) == 0
    lines = json.loads(capsys.readouterr().out)
    assert {"need", "category", "priority", "coverage", "resources"} <= set(lines[0])
    by_need = {line["need"]: line for line in lines}
    assert by_need["Emergency shelter for families"]["coverage"] == "unmet"
    assert by_need["Food insecurity after hospital discharge"]["resources"][0]["name"] == \
        "Medically tailored meals"
    assert {line["coverage"] for line in lines} <= {"covered", "thin", "unmet"}


def test_gaps_plain(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(demo_db), "gaps", "--category", "Translation"]) == 0
    out = capsys.readouterr().out
    assert "Interpreters for Haitian Creole speakers" in out and "unmet" in out
    assert "Food insecurity" not in out


def test_network_png_and_svg(demo_db: Path, tmp_path: Path,
                             capsys: pytest.CaptureFixture[str]) -> None:
    png, svg = tmp_path / "net.png", tmp_path / "net.svg"
    assert main(["--db", str(demo_db), "network", "-o", str(png)]) == 0
    assert main(["--db", str(demo_db), "network", "-o", str(svg), "--category", "Food"]) == 0
    image = Image.open(png)
    assert image.size == (1520, 1120)
    # something dark was drawn (lines, nodes, names), on a white ground
    assert image.convert("L").getextrema()[0] < 60
    text = svg.read_text(encoding="utf-8")
    assert text.lstrip().startswith("<?xml") and "Eastside Community Partners" in text
    assert main(["--db", str(demo_db), "network", "-o", str(tmp_path / "net.pdf")]) == 1
    assert ".png or .svg" in capsys.readouterr().err


def test_import_needs(db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Desk.open(db_path).close()
    good = tmp_path / "needs.csv"
    good.write_text("category,description,priority,area\nFood,Meals for seniors,high,City\n",
                    encoding="utf-8")
    assert main(["--db", str(db_path), "import-needs", str(good)]) == 0
    assert "Imported 1" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text("category,description,priority,area\nNope,Something,high,\n",
                   encoding="utf-8")
    assert main(["--db", str(db_path), "import-needs", str(bad)]) == 1
    assert "Row 2" in capsys.readouterr().err
