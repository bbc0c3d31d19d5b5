"""A sealed header asking for a huge key-derivation cost (issue 16, case 5): once 41 s
and 2.17 GB before the refusal; now refused before any key is derived."""

import json
import struct

import pytest

from partnerdesk.sharing import seal


def sealed_with(cost: dict[str, int]) -> bytes:
    """A sealed file whose header asks for `cost` (the rest is well-formed)."""
    good = seal.seal(b"PK\x05\x06" + bytes(18), "correct horse battery")
    start = len(seal.MAGIC) + 2
    (length,) = struct.unpack(">H", good[len(seal.MAGIC):start])
    header = json.loads(good[start:start + length])
    header.update(cost)
    raw = json.dumps(header, sort_keys=True).encode("ascii")
    return seal.MAGIC + struct.pack(">H", len(raw)) + raw + good[start + length:]


@pytest.mark.parametrize("cost", [{"log2_n": 20, "r": 16, "p": 4}, {"log2_n": 20},
                                  {"log2_n": 17, "r": 8, "p": 4}, {"r": 16, "p": 4}])
def test_a_costly_header_is_refused_without_deriving_a_key(
        cost: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    hostile = sealed_with(cost)
    derived: list[int] = []
    monkeypatch.setattr(seal, "_key", lambda *args: derived.append(1) or bytes(32))
    with pytest.raises(seal.SealError, match="far more work"):
        seal.unseal(hostile, "correct horse battery")
    assert derived == []


def test_this_versions_own_cost_still_opens() -> None:
    data = seal.seal(b"the bundle", "correct horse battery")
    assert seal.unseal(data, "correct horse battery") == b"the bundle"
    with pytest.raises(seal.SealError, match="passphrase does not open"):
        seal.unseal(data, "wrong horse battery")
    with pytest.raises(seal.SealError, match="passphrase does not open"):
        # twice the cost is still tried (a later version may seal more strongly); the
        # key then differs, so the tag check refuses it
        seal.unseal(sealed_with({"log2_n": seal.SCRYPT_LOG2_N + 1}), "correct horse battery")



WELL_FORMED = {"cipher": "AES-256-GCM", "kdf": "scrypt", "log2_n": seal.SCRYPT_LOG2_N,
               "r": seal.SCRYPT_R, "p": seal.SCRYPT_P, "salt": "00" * 16, "nonce": "00" * 12}


def with_header(raw: bytes) -> bytes:
    return seal.MAGIC + struct.pack(">H", len(raw)) + raw + bytes(40)


@pytest.mark.parametrize("cost", ['"log2_n": 1e400', '"r": -1e400', '"log2_n": 15.0',
                                  '"p": true', '"r": "8"'])
def test_a_cost_that_is_no_whole_number_is_refused_as_damaged(cost: str) -> None:
    """A cost of 1e400 once stopped the program (`OverflowError`, exit status 2)."""
    raw = json.dumps(WELL_FORMED)[:-1] + ", " + cost + "}"  # the last of a key counts
    with pytest.raises(seal.SealError, match="damaged"):
        seal.unseal(with_header(raw.encode()), "correct horse battery")


@pytest.mark.parametrize("raw", [b"[" * 60_000, b"{" * 30_000, b"[]", b"1e400"])
def test_a_header_that_is_no_object_is_refused_as_damaged(raw: bytes) -> None:
    """A header nested sixty thousand deep once stopped the program (`RecursionError`)."""
    with pytest.raises(seal.SealError, match="damaged"):
        seal.unseal(with_header(raw), "correct horse battery")
