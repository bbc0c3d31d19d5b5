"""vCards of huge cost (issue 16, case 5): a photo folded over many thousand lines once
took minutes and gigabytes; it is left out (PartnerDesk keeps no photos) in one pass."""

import base64
import os
from pathlib import Path

from partnerdesk.services import Desk
from partnerdesk.sharing.vcard import join_soft_breaks, plan_vcard
from partnerdesk.sharing.vcard_text import unfold


def photo_lines(size: int, width: int = 74) -> list[str]:
    photo = base64.b64encode(os.urandom(size)).decode()
    return [photo[i:i + width] for i in range(0, len(photo), width)]


def test_a_card_with_a_large_folded_photo_is_read_without_it(desk: Desk,
                                                             tmp_path: Path) -> None:
    lines = photo_lines(3 * 1024 * 1024)
    path = tmp_path / "photo.vcf"
    path.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada Lovelace\r\n"
                    "PHOTO;ENCODING=b;TYPE=JPEG:" + "\r\n ".join(lines) + "\r\n"
                    "EMAIL:ada@example.org\r\nEND:VCARD\r\n"
                    "BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Grace Hopper\r\n"
                    "PHOTO;ENCODING=BASE64;TYPE=JPEG:" + "\r\n".join(lines) + "\r\n\r\n"
                    "END:VCARD\r\n")
    plan = plan_vcard(desk, path)
    assert [row.values["name"] for row in plan.rows] == ["Ada Lovelace", "Grace Hopper"]
    assert plan.rows[0].values["emails"][0]["address"] == "ada@example.org"
    assert "PHOTO" not in repr(plan.rows[0].values)


def test_unfolding_joins_each_logical_line_once() -> None:
    lines = photo_lines(200_000)
    text = "PHOTO:" + "\r\n ".join(lines) + "\r\nFN:Ada\r\n"
    assert unfold(text) == ["PHOTO:" + "".join(lines), "FN:Ada"]


def test_quoted_printable_soft_breaks_are_joined() -> None:
    text = "NOTE;ENCODING=QUOTED-PRINTABLE:one=\r\ntwo=\r\nthree\r\nFN:Ada\r\n"
    assert join_soft_breaks(text) == ("NOTE;ENCODING=QUOTED-PRINTABLE:onetwothree\r\n"
                                      "FN:Ada\r\n")
    android = "NOTE;ENCODING=QUOTED-PRINTABLE:one=\r\n\r\nFN:Ada\r\n"
    assert join_soft_breaks(android).startswith("NOTE;ENCODING=QUOTED-PRINTABLE:one\r\n")
