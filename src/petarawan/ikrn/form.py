"""XLSForms of an IKRN round: one per instrument (IKRN 1 residents, 2 village head, 3 officers).

:func:`build_forms` writes ``ikrn1.xlsx`` … ``ikrn3.xlsx`` from the study's question bank and
area list; each is converted with pyxform (the library KoboToolbox and ODK Central use) before it
is kept, so a form that would fail to deploy is never written.  Specification:
https://xlsform.org.

Every form has, in this order:

- ``start``, ``end`` (interview start and end, used by the duration check) and a hidden
  ``instrumen`` calculate field holding the instrument code (so a row that reached the wrong
  export is recognised);
- a consent question;
- the area: ``kecamatan`` then ``kode_wilayah`` restricted to that kecamatan's areas by a
  ``choice_filter`` (cascading select) — without a ``group_column`` a single searchable list;
- the respondent's role (``peran``: every role of the bank, so a village head who opened the
  residents' link is recognised and counted for the right instrument — never silently);
- an optional ``lokasi`` geopoint (used only to check the submission lies in its area, never
  written to an output);
- the items of the instrument, one group per dimension, each required, with "tidak tahu".

Privacy by design: no name, NIK, phone number, address or free text is asked.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Iterable

from ..errors import Finding, InputError
from ..i18n import Msg
from ..io.atomic import replace_file
from .bank import DK_COUNT, DONT_KNOW, NO, SCALES, YES, Bank, Item

__all__ = ["build_forms", "form_rows", "district_choice_names", "FORM_FIELDS"]

ID = "Bahasa Indonesia (id)"
EN = "English (en)"
FORM_FIELDS = ("start", "end", "instrumen", "persetujuan", "kecamatan", "kode_wilayah", "peran", "lokasi")
"""Names of the fields every IKRN form has besides its items."""
HEADER = ["type", "name", f"label::{ID}", f"label::{EN}", f"hint::{ID}", f"hint::{EN}", "required", "relevant",
          "constraint", f"constraint_message::{ID}", f"constraint_message::{EN}", "appearance", "calculation",
          "choice_filter"]

_CONSENT = "${persetujuan} = 'ya'"


def _slug(text: str) -> str:
    s = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()
    s = re.sub(r"[^a-z0-9]+", "_", s).strip("_")
    return s if s and s[0].isalpha() else f"k_{s}"


def district_choice_names(groups: Iterable[str]) -> dict[str, str]:
    """Kecamatan name → choice name (ASCII slug, unique), in sorted name order."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for g in sorted({str(x) for x in groups}):
        base = _slug(g)
        name, k = base, 2
        while name in used:
            name, k = f"{base}_{k}", k + 1
        used.add(name)
        out[g] = name
    return out


def _row(**kw: str) -> dict[str, str]:
    return kw


def _item_rows(item: Item) -> tuple[dict[str, str], ...]:
    hint_id, hint_en = "", ""
    if item.response == "likert":
        typ = f"select_one likert_{item.scale}{'_tt' if item.dont_know else ''}"
        constraint = ""
    elif item.response == "yesno":
        typ = f"select_one ya_tidak{'_tt' if item.dont_know else ''}"
        constraint = ""
    else:
        typ = "integer"
        lo = f". >= 0 or . = {DK_COUNT}" if item.dont_know else ". >= 0"
        constraint = f"({lo}) and . <= 100000"
        if item.dont_know:
            hint_id, hint_en = f"Ketik {DK_COUNT} bila tidak tahu", f"Type {DK_COUNT} if you do not know"
    return (_row(type=typ, name=item.code, label_id=item.text_id, label_en=item.text_en or item.text_id,
                 hint_id=hint_id, hint_en=hint_en, required="yes", constraint=constraint,
                 cmsg_id="Jumlah tidak mungkin negatif" if constraint else "",
                 cmsg_en="A count cannot be negative" if constraint else ""),)


def form_rows(bank: Bank, instrument: str, *, grouped: bool) -> tuple[list[dict[str, str]], list[tuple[str, ...]]]:
    """The ``survey`` rows (as dicts keyed by short column names) and the fixed ``choices`` rows
    (list_name, name, label id, label en) of one instrument's form, without the area lists."""
    ins = bank.instrument(instrument)
    roles_of = {r: ins_.code for ins_ in bank.instruments for r in ins_.roles}
    role_hint_id = "Kuesioner ini untuk: " + ", ".join(r.label_id for r in bank.roles if r.code in ins.roles)
    role_hint_en = "This questionnaire is for: " + ", ".join((r.label_en or r.label_id) for r in bank.roles
                                                             if r.code in ins.roles)
    wrong = " and ".join(f"${{peran}} != '{r}'" for r in ins.roles)
    rows: list[dict[str, str]] = [
        _row(type="start", name="start"), _row(type="end", name="end"),
        _row(type="calculate", name="instrumen", calculation=f"'{instrument}'"),
        _row(type="note", name="pengantar",
             label_id=f"{ins.label_id}. Jawaban Anda diolah tanpa identitas dan hanya dilaporkan per kelurahan/desa. "
                      "Tidak ada pertanyaan tentang nama, NIK atau nomor telepon."
                      + (" (Butir ILUSTRATIF: butir IKRN BNN tidak dipublikasikan.)" if bank.illustrative else ""),
             label_en=f"{ins.label_en or ins.label_id}. Your answers are processed without identities and reported "
                      "only per village. No question asks for a name, NIK or phone number."
                      + (" (ILLUSTRATIVE items: BNN's IKRN items are not public.)" if bank.illustrative else "")),
        _row(type="select_one ya_tidak", name="persetujuan", label_id="Apakah Anda bersedia mengisi kuesioner ini?",
             label_en="Do you agree to fill in this questionnaire?", required="yes"),
    ]
    if grouped:
        rows.append(_row(type="select_one kecamatan", name="kecamatan", label_id="Kecamatan", label_en="District (kecamatan)",
                         required="yes", relevant=_CONSENT))
        rows.append(_row(type="select_one wilayah", name="kode_wilayah", label_id="Kelurahan/desa",
                         label_en="Village (kelurahan/desa)", required="yes", relevant=_CONSENT,
                         choice_filter="kecamatan=${kecamatan}"))
    else:
        rows.append(_row(type="select_one wilayah", name="kode_wilayah", label_id="Kelurahan/desa",
                         label_en="Village (kelurahan/desa)", hint_id="Ketik untuk mencari", hint_en="Type to search",
                         required="yes", relevant=_CONSENT, appearance="minimal autocomplete"))
    rows.append(_row(type="select_one peran", name="peran", label_id="Anda mengisi sebagai", label_en="You answer as",
                     hint_id=role_hint_id, hint_en=role_hint_en, required="yes", relevant=_CONSENT))
    if len(roles_of) > len(ins.roles):
        rows.append(_row(type="note", name="peran_lain",
                         label_id="Kuesioner ini bukan untuk peran Anda; mohon pakai tautan kuesioner yang sesuai.",
                         label_en="This questionnaire is not meant for your role; please use the matching link.",
                         relevant=f"{_CONSENT} and {wrong}"))
    rows.append(_row(type="geopoint", name="lokasi", label_id="Lokasi saat mengisi (opsional)",
                     label_en="Location while answering (optional)",
                     hint_id="Hanya untuk memeriksa bahwa jawaban berasal dari kelurahan/desa ini; tidak ditampilkan di hasil",
                     hint_en="Only used to check the answer comes from this village; never shown in results",
                     relevant=_CONSENT))
    for dim in bank.dimensions:
        items = [it for it in bank.items_of(instrument) if it.dimension == dim.code]
        if not items:
            continue
        rows.append(_row(type="begin_group", name=f"g_{dim.code}", label_id=dim.label_id,
                         label_en=dim.label_en or dim.label_id, relevant=_CONSENT))
        for it in items:
            rows.extend(_item_rows(it))
        rows.append(_row(type="end_group", name=""))
    choices: list[tuple[str, ...]] = [("ya_tidak", YES, "Ya", "Yes"), ("ya_tidak", NO, "Tidak", "No"),
                                      ("ya_tidak_tt", YES, "Ya", "Yes"), ("ya_tidak_tt", NO, "Tidak", "No"),
                                      ("ya_tidak_tt", DONT_KNOW, "Tidak tahu", "Don't know")]
    for scale, anchors in SCALES.items():
        for suffix in ("", "_tt"):
            choices += [(f"likert_{scale}{suffix}", n, lid, len_) for n, lid, len_ in anchors]
        choices.append((f"likert_{scale}_tt", DONT_KNOW, "Tidak tahu", "Don't know"))
    choices += [("peran", r.code, r.label_id, r.label_en or r.label_id) for r in bank.roles]
    return rows, choices


def build_forms(bank: Bank, areas: Iterable[tuple[str, str, str | None]], out_dir: Path, *, title: str,
                form_id_prefix: str = "ikrn", instruments: Iterable[str] | None = None) -> list[Path]:
    """Write one XLSForm per instrument and check each converts with pyxform.

    Parameters
    ----------
    areas : iterable of (code, name, kecamatan | None)
        Canonical area codes (choice names), area names and kecamatan names; with no kecamatan
        at all, the form has one searchable area list instead of the cascade.
    out_dir : Path
        Folder for ``ikrn1.xlsx`` … (created when missing; files replaced atomically).
    title : str
        Study name, shown in the form titles.

    Returns
    -------
    list of Path, one per instrument, in bank order.

    Raises
    ------
    InputError
        pyxform refuses a form (the message names the instrument and pyxform's reason).
    """
    from openpyxl import Workbook

    areas = sorted({(str(c), str(n), None if g is None else str(g)) for c, n, g in areas})
    grouped = any(g is not None for _, _, g in areas)
    dnames = district_choice_names(g for _, _, g in areas if g is not None) if grouped else {}
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for ins in bank.instruments:
        if instruments is not None and ins.code not in instruments:
            continue
        rows, choices = form_rows(bank, ins.code, grouped=grouped)
        wb = Workbook()
        ws = wb.active
        ws.title = "survey"
        ws.append(HEADER)
        keys = ["type", "name", "label_id", "label_en", "hint_id", "hint_en", "required", "relevant", "constraint",
                "cmsg_id", "cmsg_en", "appearance", "calculation", "choice_filter"]
        for r in rows:
            ws.append([r.get(k, "") for k in keys])
        ch = wb.create_sheet("choices")
        ch.append(["list_name", "name", f"label::{ID}", f"label::{EN}", "kecamatan"])
        for c in choices:
            ch.append(list(c) + [""])
        for g, name in dnames.items():
            ch.append(["kecamatan", name, g, g, ""])
        for code, name, g in sorted(areas, key=lambda a: (a[2] or "", a[1], a[0])):
            ch.append(["wilayah", code, f"{name} ({code})", f"{name} ({code})", dnames.get(g, "") if g else ""])
        st = wb.create_sheet("settings")
        st.append(["form_title", "form_id", "version", "default_language"])
        st.append([f"{ins.label_id} — {title}", f"{form_id_prefix}_{ins.code}", bank.version.replace(" ", "_"), ID])
        path = out_dir / f"{ins.code}.xlsx"

        def write(tmp: Path, wb=wb) -> None:
            wb.save(tmp)
            check_xlsform(tmp, ins.code)

        replace_file(path, write)
        written.append(path)
    return written


def check_xlsform(path: Path, label: str) -> str:
    """Convert an XLSForm with pyxform; returns the XForm XML.

    Raises
    ------
    InputError
        pyxform's error, naming ``label``.
    """
    from pyxform.xls2xform import convert

    try:
        return convert(str(path), validate=False).xform
    except Exception as err:  # pyxform raises PyXFormError and others; all mean "not deployable"
        raise InputError(Finding("error", "xlsform_invalid", Msg("f.xlsform_invalid", label=label, err=err), file=path.name,
                                 expected=Msg("x.xlsform_invalid"))) from None
