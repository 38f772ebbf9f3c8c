"""The one text decoder: known encodings, detection, and refusal — never replacement characters."""

from __future__ import annotations

import random

import pytest

from petarawan.errors import InputError
from petarawan.io.text import decode_text

TEXT = "kode;nama\n1971011008;Désa Pärit\n1971011009;Café — km²\n"


@pytest.mark.parametrize("encoding,codec", [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("utf-16", "utf-16"),
                                            ("utf-32", "utf-32")])
def test_unicode_with_or_without_mark_is_read_without_a_finding(encoding, codec):
    d = decode_text(TEXT.encode(encoding), label="t.csv")
    assert (d.text, d.encoding, d.findings) == (TEXT, codec, [])


@pytest.mark.parametrize("encoding", ["cp1252", "utf-16-le"])
def test_other_encodings_are_detected_and_said(encoding):
    d = decode_text(TEXT.encode(encoding), label="t.csv")
    assert d.text == TEXT
    (f,) = d.findings
    assert (f.level, f.code, f.file) == ("warning", "encoding_detected", "t.csv")
    assert d.encoding in f.text("id") and d.encoding in f.text("en")


def test_given_encoding_is_strict_and_names_the_byte():
    raw = TEXT.encode("utf-8")
    assert decode_text(raw, label="t.csv", encoding="latin-1").text == raw.decode("latin-1")
    with pytest.raises(InputError) as exc:
        decode_text(TEXT.encode("cp1252"), label="t.csv", encoding="utf-8")
    (f,) = exc.value.findings
    # 'é' is the first non-ASCII byte: "kode;nama\n1971011008;D" is 22 bytes, so byte 23
    assert (f.code, f.value) == ("bad_encoding", "utf-8") and "23" in f.text("en")


def test_unknown_codec_name_is_an_error():
    with pytest.raises(InputError) as exc:
        decode_text(b"a,b\n", label="t.csv", encoding="klingon-8")
    assert exc.value.findings[0].code == "bad_encoding"


def test_binary_is_refused_not_replaced():
    rnd = random.Random(1)
    raw = bytes(rnd.randrange(1, 256) for _ in range(3000))  # no NUL (that is nul_byte, see test_io_neighbours)
    with pytest.raises(InputError) as exc:
        decode_text(raw, label="t.csv")
    assert exc.value.findings[0].code == "not_text"
