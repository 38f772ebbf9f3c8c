"""Read survey exports (KoboToolbox, ODK Central), decoded with the XLSForm that collected them.

Supported exports (``XML values and headers``):

- KoboToolbox CSV: ``;`` separator, groups joined by ``/`` (``usaha/minat_usaha``), a
  select_multiple as space-separated choice names plus one ``question/option`` 0/1 column per
  choice; meta columns ``_uuid``, ``_id``, ``_index``, ...
- KoboToolbox XLSX: the same columns in the first sheet; each repeat in its own sheet linked by
  ``_parent_index`` → ``_index``.
- ODK Central CSV: ``,`` separator, groups joined by ``-`` (``usaha-minat_usaha``), instance in
  ``KEY``/``meta-instanceID``; each repeat in a separate file whose ``PARENT_KEY`` is the
  parent's ``KEY``.  The ``.zip`` that ODK Central downloads is read directly.

Privacy: only answers of types the analysis needs are kept — select_one/select_multiple,
integer, decimal, range — plus the area code.  Every other column (text, which may hold names or
numbers; geopoint and other locations; media; device and user metadata; columns not in the
form) is dropped here, at ingest, before anything else sees it; only the dropped *column names*
are reported, never their values.  Column names that look like identifiers (nama, nik, hp,
telepon, alamat, gps, ...) are dropped even when the form declares them as a select or number.

Problems are :class:`~petarawan.errors.Finding` warnings naming file, row, column and value:
unknown choice values (the answer is treated as missing), responses for unknown or empty area
codes (the response is dropped), duplicate submissions (same instance ID, named by the export's
own column, e.g. ``_uuid``; the first is kept).  Errors: a question the analysis reads (or the
consent question) without a column in the export — e.g. groups renamed after the form was
deployed — lists the column names expected and those found; a CSV that cannot be parsed names the
separator detected (``;``, ``,`` or tab, from the header line).
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..codes import clean_code, code_matcher
from ..errors import Finding, InputError
from ..i18n import Msg
from .limits import LIMITS, Limits
from .numbers import EN, NumberStyle, parse_column
from .tables import Table, check_zip_archive, read_csv_bytes, read_sheet

KEPT_TYPES = {"select_one", "select_multiple", "select_one_from_file", "select_multiple_from_file",
              "integer", "decimal", "range"}
SELECT_TYPES = {"select_one", "select_multiple", "select_one_from_file", "select_multiple_from_file"}
IDENTIFIER_NAME = re.compile(
    r"(^|[_\-/. ])(nama|name|names|nik|ktp|no_kk|hp|no_hp|telp|telepon|phone|phonenumber|wa|whatsapp|email|"
    r"alamat|address|gps|geolocation|koordinat|latitude|longitude|lat|lon|lng|foto|photo|username|submitted_by|"
    r"submittername|submitterid|deviceid|simserial|subscriberid)($|[_\-/. ])",
    re.IGNORECASE,
)
INSTANCE_COLUMNS = ("meta/instanceID", "meta-instanceID", "instanceID", "KEY", "_uuid")
META_COLUMNS = {"_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status", "__version__",
                "_tags", "_index", "_parent_index", "_parent_table_name", "_submission__id", "_submission__uuid",
                "_submission__submission_time", "_submission__validation_status", "_submission__notes",
                "_submission__status", "_submission__tags", "_submission___version__",
                "SubmissionDate", "KEY", "PARENT_KEY", "AttachmentsPresent", "AttachmentsExpected", "Status",
                "ReviewState", "Edits", "FormVersion", "meta/instanceID", "meta-instanceID", "instanceID",
                "meta/rootUuid", "meta-rootUuid", "meta/deprecatedID", "meta-deprecatedID", "formhub/uuid"}


# ------------------------------------------------------------------------------------------------
# the form


@dataclass(frozen=True)
class Question:
    """One question of an XLSForm.

    Attributes
    ----------
    name : str
    type : str
        Base type (``select_one``, ``integer``, ``text``, ``geopoint``, ...).
    list_name : str | None
        Choice list of a select question.
    path : tuple[str, ...]
        Names of the enclosing groups and repeats, outermost first.
    repeat : str | None
        Name of the innermost enclosing repeat, ``None`` at the top level.
    labels : dict[str, str]
        Language code (``id``, ``en``; ``""`` for an unlabelled language) → label.
    """

    name: str
    type: str
    list_name: str | None
    path: tuple[str, ...]
    repeat: str | None
    labels: dict[str, str]

    @property
    def kept(self) -> bool:
        return self.type in KEPT_TYPES and not IDENTIFIER_NAME.search(self.name)


@dataclass(frozen=True)
class Form:
    """An XLSForm read for decoding: questions by name, choices by list name.

    ``choices[list_name]`` maps a choice name to its labels by language, in form order.
    """

    source: str
    questions: dict[str, Question]
    choices: dict[str, dict[str, dict[str, str]]]
    repeats: tuple[str, ...]

    def options(self, question: str) -> list[str]:
        q = self.questions[question]
        return list(self.choices.get(q.list_name or "", {}))

    def label(self, question: str, option: str | None = None, lang: str = "id") -> str:
        if option is None:
            labels = self.questions[question].labels
            fallback = question
        else:
            labels = self.choices.get(self.questions[question].list_name or "", {}).get(option, {})
            fallback = option
        return labels.get(lang) or labels.get("id") or labels.get("") or next(iter(labels.values()), fallback) or fallback


def _lang_of(header: str) -> str | None:
    """``label::Bahasa Indonesia (id)`` → ``id``; ``label`` → ``""``; not a label → None."""
    h = header.strip()
    if h.lower() == "label":
        return ""
    m = re.match(r"^label\s*::\s*(.*)$", h, re.IGNORECASE)
    if not m:
        return None
    lang = m.group(1).strip()
    code = re.search(r"\(([A-Za-z\-]+)\)\s*$", lang)
    return code.group(1).lower() if code else lang.lower()


def _sheet_rows(path: Path, sheet: str, label: str) -> list[dict[str, str]]:
    """The rows of one XLSForm sheet as {heading: text} ("" for an empty cell), blank rows left out."""
    cells = read_sheet(path, sheet=sheet, label=label).cells
    out = []
    for r in cells.itertuples(index=False, name=None):
        d = {h: ("" if v is None else str(v).strip()) for h, v in zip(cells.columns, r) if not h.startswith("(kolom ")}
        if any(d.values()):
            out.append(d)
    return out


def read_form(path: Path, *, label: str | None = None) -> Form:
    """Read an XLSForm (``.xlsx``) with the io table reader (:func:`petarawan.io.tables.read_sheet`).

    Returns
    -------
    Form

    Raises
    ------
    InputError
        File missing or unreadable, no ``survey`` sheet, unbalanced groups/repeats, or a select
        question whose choice list is missing.
    """
    label = label or Path(path).name
    if Path(path).suffix.lower() not in (".xlsx", ".xlsm"):
        raise InputError(Finding("error", "unreadable", Msg("f.unreadable.form_suffix"), file=label, value=Path(path).suffix,
                                 expected=Msg("x.unreadable")))
    names = read_sheet(path, label=label).sheets
    sheets = {s.lower(): s for s in names}
    if "survey" not in sheets:
        raise InputError(Finding("error", "form_no_survey", Msg("f.form_no_survey"), file=label, value=list(names),
                                 expected=Msg("x.form_no_survey")))
    choices: dict[str, dict[str, dict[str, str]]] = {}
    for row in _sheet_rows(path, sheets["choices"], label) if "choices" in sheets else []:
        ln = row.get("list_name") or row.get("list name") or ""
        name = row.get("name", "")
        if not ln or not name:
            continue
        labels = {lang: v for h, v in row.items() if (lang := _lang_of(h)) is not None and v}
        choices.setdefault(ln, {})[name] = labels
    questions: dict[str, Question] = {}
    stack: list[tuple[str, bool]] = []
    repeats: list[str] = []
    findings: list[Finding] = []
    for i, row in enumerate(_sheet_rows(path, sheets["survey"], label), start=2):
        typ = re.sub(r"\s+", " ", row.get("type", "")).strip()
        name = row.get("name", "")
        low = typ.lower().replace("_", " ")
        if low in ("begin group", "begin repeat"):
            stack.append((name, low == "begin repeat"))
            if low == "begin repeat":
                repeats.append(name)
            continue
        if low in ("end group", "end repeat"):
            if not stack:
                findings.append(Finding("error", "form_unbalanced", Msg("f.form_unbalanced.survey"), file=label, row=i, column="type",
                                        value=typ))
            else:
                stack.pop()
            continue
        if not typ or not name:
            continue
        parts = typ.split(" ")
        base = parts[0]
        list_name = parts[1] if base in SELECT_TYPES and len(parts) > 1 else None
        if base in ("select_one", "select_multiple") and list_name not in choices:
            findings.append(Finding("error", "form_missing_list", Msg("f.form_missing_list"), file=label, row=i, column="type",
                                    value=typ, expected=Msg("x.form_missing_list", choices=sorted(choices))))
        labels = {lang: v for h, v in row.items() if (lang := _lang_of(h)) is not None and v}
        rep = next((g for g, is_rep in reversed(stack) if is_rep), None)
        questions[name] = Question(name, base, list_name, tuple(g for g, _ in stack), rep, labels)
    if stack:
        findings.append(Finding("error", "form_unbalanced", Msg("f.form_unbalanced"), file=label, value=[g for g, _ in stack],
                                expected=Msg("x.form_unbalanced")))
    if findings:
        raise InputError(findings)
    return Form(label, questions, choices, tuple(repeats))


# ------------------------------------------------------------------------------------------------
# the export


@dataclass
class SurveyData:
    """A decoded survey.

    Attributes
    ----------
    responses : DataFrame
        One row per kept submission; index = instance ID.  Columns: ``code`` (canonical area
        code), ``_file``, ``_row`` (spreadsheet row, header = 1), then per kept question: a
        select_one as its choice name (``<NA>`` when unanswered or unknown), a select_multiple
        as one boolean column ``question/option`` per choice (``<NA>`` when unanswered), a
        number as float.
    repeats : dict[str, DataFrame]
        Per repeat name: one row per repeat instance, columns ``_parent`` (instance ID of the
        submission), ``code``, then the repeat's kept questions as above.
    findings : list[Finding]
    dropped_columns : list[str]
        Names (never values) of the columns dropped at ingest.
    n_read : int
        Submissions read before any were dropped.
    """

    responses: pd.DataFrame
    repeats: dict[str, pd.DataFrame] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    dropped_columns: list[str] = field(default_factory=list)
    n_read: int = 0
    counts: dict[str, int] = field(default_factory=dict)


def _answers(table: Table) -> pd.DataFrame:
    """A table's cells as answer text: "" for empty, numbers from a spreadsheet as text (``3``, not
    ``3.0``), blank rows left out (they are no submission); index = spreadsheet row."""
    df = table.cells
    blank = df.isna().all(axis=1).to_numpy()

    def text(v):
        if v is None:
            return ""
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return str(v)

    return df[~blank].map(text)


def read_export_tables(paths: list[Path], labels: list[str] | None = None, *, encoding: str | None = None,
                       limits: Limits = LIMITS) -> list[tuple[str, pd.DataFrame]]:
    """Read every table of the export files with the io table reader: (label, frame of answer
    text, index = spreadsheet row) per CSV file, per XLSX sheet and per CSV inside a ``.zip``.

    Every row must have exactly as many fields as the header (``ragged="strict"``): in an
    all-versions KoboToolbox export a removed choice drops a field from older rows and shifts their
    answers into the wrong questions — such rows are errors naming their row numbers.

    Raises
    ------
    InputError
        Missing or unreadable file, unknown format, duplicate headings, rows of the wrong length,
        a file or archive beyond the reading caps (:mod:`petarawan.io.limits`).
    """
    labels = labels or [Path(p).name for p in paths]
    out: list[tuple[str, pd.DataFrame]] = []
    for p, label in zip(paths, labels):
        p = Path(p)
        suffix = p.suffix.lower()
        if not p.is_file():
            raise InputError(Finding("error", "file_missing", Msg("f.file_missing.survey"), file=label,
                                     expected=Msg("x.file_missing.survey", p=str(p))))
        if suffix in (".csv", ".txt", ".tsv"):
            out.append((label, _answers(read_sheet(p, label=label, encoding=encoding, limits=limits, ragged="strict",
                                                     rows_required=False))))
        elif suffix in (".xlsx", ".xlsm"):
            first = read_sheet(p, label=label, limits=limits, rows_required=False)
            for k, name in enumerate(first.sheets):
                t = first if k == 0 else read_sheet(p, sheet=name, label=label, limits=limits, rows_required=False)
                out.append((f"{label}[{name}]", _answers(t)))
        elif suffix == ".zip":
            check_zip_archive(p, label, limits)
            try:
                with zipfile.ZipFile(p) as z:
                    members = {m: z.read(m) for m in sorted(z.namelist()) if m.lower().endswith(".csv")}
            except (zipfile.BadZipFile, OSError) as err:
                raise InputError(Finding("error", "unreadable", Msg("f.unreadable.survey", err=type(err).__name__),
                                         file=label)) from None
            for member, raw in members.items():
                t = read_csv_bytes(raw, label=f"{label}/{member}", encoding=encoding, limits=limits, ragged="strict",
                                   rows_required=False)  # zero submissions: the survey says so itself
                out.append((f"{label}/{member}", _answers(t)))
        else:
            raise InputError(Finding("error", "format", Msg("f.format"), file=label, value=p.suffix, expected=Msg("x.format")))
    return out


def _header_map(form: Form, repeat: str | None) -> dict[str, tuple[str, str | None]]:
    """Every header a question (or a select_multiple option column) may appear under."""
    m: dict[str, tuple[str, str | None]] = {}
    for q in form.questions.values():
        if q.repeat != repeat:
            continue
        variants: list[str] = []
        for k in range(len(q.path) + 1):  # full path first, then with leading groups dropped
            for sep in ("/", "-", "."):   # Kobo "/" (or "." if chosen), ODK Central "-"
                variants.append(sep.join(q.path[k:] + (q.name,)))
        for v in variants:
            m.setdefault(v, (q.name, None))
        if q.type in ("select_multiple",):
            for opt in form.options(q.name):
                for v in variants:
                    for sep in ("/", "-", "."):
                        m.setdefault(f"{v}{sep}{opt}", (q.name, opt))
        if q.type == "geopoint":  # Kobo splits a geopoint into _<name>_latitude, ...
            for v in variants:
                for part in ("latitude", "longitude", "altitude", "precision"):
                    m.setdefault(f"_{v}_{part}", (q.name, part))
    return m


def expected_headers(form: Form, question: str) -> str:
    """The export column names a question is expected under (Kobo ``/``, ODK Central ``-``)."""
    q = form.questions[question]
    full = q.path + (q.name,)
    names = ["/".join(full), "-".join(full)] if q.path else [q.name]
    if q.type == "select_multiple" and form.options(question):
        names.append("/".join(full) + "/" + form.options(question)[0])
    return " / ".join(f"'{n}'" for n in dict.fromkeys(names))


def _is_true(v: str) -> bool | None:
    s = v.strip().lower()
    if s in ("1", "true", "1.0", "ya", "yes"):
        return True
    if s in ("0", "false", "0.0", "tidak", "no"):
        return False
    return None


def _instance_column(df: pd.DataFrame) -> str | None:
    return next((c for c in INSTANCE_COLUMNS if c in df.columns), None)


def _clean_instance(v: str) -> str:
    return v.strip().removeprefix("uuid:")


def _name_key(v: object) -> str:
    return " ".join(str(v).split()).casefold()


def _name_matcher(area_names: pd.Series | None) -> dict[str, str]:
    """Normalised area name → code, for names that belong to exactly one area."""
    if area_names is None:
        return {}
    out: dict[str, str | None] = {}
    for code, name in area_names.items():
        if name is None or (isinstance(name, float) and name != name):
            continue
        k = _name_key(name)
        out[k] = None if k in out else str(code)
    return {k: c for k, c in out.items() if c is not None}


def read_survey(paths: list[Path], form: Form, *, area_question: str, known_codes: pd.Index | None = None,
                consent_question: str | None = None, consent_yes: str = "ya",
                labels: list[str] | None = None, required: list[str] | None = None,
                style: NumberStyle | None = None, encoding: str | None = None,
                area_names: pd.Series | None = None) -> SurveyData:
    """Read and decode a survey export with its XLSForm.

    Privacy: no finding carries a value typed by a respondent or an enumerator — an unknown choice,
    an unknown area code, a number that is not one, a repeated instance ID are each named by file,
    row and column only (an enumerator may type a name, a phone number or a NIK into any field).

    Parameters
    ----------
    paths : list of Path
        Export files: one KoboToolbox CSV/XLSX, or an ODK Central main CSV plus one CSV per
        repeat (any order), or an ODK Central ``.zip``.
    form : Form
        The XLSForm (:func:`read_form`).
    area_question : str
        Name of the question holding the area code.
    known_codes : Index, optional
        The study's area codes; an answer joins by :func:`petarawan.codes.code_key` (with or
        without dots); responses for other codes are dropped and reported.
    consent_question : str, optional
        Responses whose answer is not ``consent_yes`` are dropped (counted, not reported one by one).
        The question must be in the form and its column in the export.
    required : list of str, optional
        Questions the analysis reads; each one the form has must have a column in the export.
    style : NumberStyle, optional
        Number style of the export (``[potential] decimal``); default: per column, and a column
        that cannot tell is read as XML values write numbers (decimal point).
    encoding : str, optional
        Text encoding of CSV exports (default: detected).
    area_names : Series, optional
        The study's area names (index = code).  An export "as labels" holds the area's *name* in
        the area question: a name that belongs to exactly one area (case and spaces ignored) is
        matched to its code, with one warning (``survey_area_names``).

    Returns
    -------
    SurveyData

    Raises
    ------
    InputError
        Unreadable file, no main table, no column for the area question, the consent question or a
        ``required`` question (the finding lists the column names expected and those found); more
        than half of the answers without a known area (``survey_area_mostly_unknown``: the area
        question holds something else than the study's codes — the answers are not silently dropped).
    """
    tables = read_export_tables(paths, labels, encoding=encoding)
    if area_question not in form.questions:
        raise InputError(Finding("error", "form_no_area_question", Msg("f.form_no_area_question"), file=form.source,
                                 value=area_question, expected=Msg("x.form_no_area_question")))
    main_hm = _header_map(form, None)
    main = [(lbl, df) for lbl, df in tables if "PARENT_KEY" not in df.columns and "_parent_index" not in df.columns
            and any(c in main_hm for c in df.columns)]
    if len(main) != 1:
        raise InputError(Finding("error", "survey_no_main_table", Msg("f.survey_no_main_table"),
                                 file=", ".join(lbl for lbl, _ in tables), value=[lbl for lbl, _ in main],
                                 expected=Msg("x.survey_no_main_table")))
    findings: list[Finding] = []
    dropped: set[str] = set()
    label, df = main[0]
    responses, index_map, colmap = _decode_table(df, label, form, None, area_question, findings, dropped, main=True,
                                                 style=style)
    area_col = colmap.get(area_question, area_question)
    # every question the analysis reads must be in the export, under the form's group path
    wanted = [q for q in dict.fromkeys(required or []) if q and q in form.questions]
    if consent_question:
        if consent_question not in form.questions:
            raise InputError(Finding(
                "error", "survey_consent_not_in_form", Msg("f.survey_consent_not_in_form"), file=form.source,
                column="potential.consent_question", value=consent_question, expected=Msg("x.survey_consent_not_in_form")))
        wanted.insert(0, consent_question)
    missing = [q for q in wanted if q not in colmap]
    if missing:
        raise InputError([Finding(
            "error", "survey_question_missing", Msg("f.survey_question_missing.survey"), file=label, column=q,
            value=sorted(df.columns.tolist()), expected=Msg("x.survey_question_missing", expected_headers=expected_headers(form, q)))
            for q in missing])
    counts = {"read": len(df)}
    # consent (column present: checked above)
    if consent_question:
        ok = (responses[consent_question] == consent_yes).fillna(False).astype(bool)
        counts["no_consent"] = int((~ok).sum())
        responses = responses[ok.to_numpy()]
    # area codes (positional: instance IDs may repeat), written with or without dots
    to_code = code_matcher(known_codes)
    by_name = _name_matcher(area_names)
    matched, named = [], 0
    for v in responses["_raw_code"]:
        c = to_code(v)
        if c is not None and known_codes is not None and c not in known_codes and by_name:
            c_name = by_name.get(_name_key(v))
            if c_name is not None:
                c, named = c_name, named + 1
        matched.append(c)
    responses["code"] = pd.array(matched, dtype=object)
    if named:
        findings.append(Finding("warning", "survey_area_names", Msg("survey.area_names", n=named), file=label,
                                column=area_col, expected=Msg("survey.area_names.exp")))
    codes = responses["code"]
    bad = codes.isna().to_numpy()
    unknown = np.zeros(len(responses), bool)
    if known_codes is not None:
        unknown = ~bad & ~codes.isin(known_codes).to_numpy()
    for i in range(len(responses)):
        if not (bad[i] or unknown[i]):
            continue
        r = responses.iloc[i]
        if bad[i]:
            findings.append(Finding("warning", "survey_empty_area", Msg("f.survey_empty_area"), file=r["_file"],
                                    row=int(r["_row"]), column=area_col, expected=Msg("x.survey_empty_area")))
        else:
            findings.append(Finding("warning", "survey_unknown_area", Msg("f.survey_unknown_area"), file=r["_file"],
                                    row=int(r["_row"]), column=area_col,
                                    expected=Msg("x.survey_unknown_area", n_known_codes=len(known_codes))))
    bad = bad | unknown
    counts["unknown_area"] = int(bad.sum())
    if known_codes is not None and len(responses) >= 10 and unknown.sum() * 2 > len(responses):
        raise InputError(Finding(
            "error", "survey_area_mostly_unknown", Msg("survey.area_unknown", n=int(unknown.sum()), total=len(responses)),
            file=label, column=area_col, expected=Msg("survey.area_unknown.exp")))
    responses = responses[~bad]
    # duplicates (same instance ID): keep the first
    inst_col = colmap.get("_instance")
    dup = responses.index.duplicated(keep="first")
    first_row: dict[str, int] = {}
    for inst, r, d in zip(responses.index, responses["_row"], dup):
        if not d:
            first_row.setdefault(inst, int(r))
        else:
            findings.append(Finding("warning", "survey_duplicate", Msg("f.survey_duplicate", first_row_inst=first_row[inst]), file=label,
                                    row=int(r), column=inst_col, expected=Msg("x.survey_duplicate")))
    counts["duplicate"] = int(dup.sum())
    responses = responses[~dup].drop(columns=["_raw_code"])
    # repeats
    repeats: dict[str, pd.DataFrame] = {}
    for rlabel, rdf in tables:
        if rdf is main[0][1] or ("PARENT_KEY" not in rdf.columns and "_parent_index" not in rdf.columns):
            continue
        rep = next((r for r in form.repeats if any(c in _header_map(form, r) for c in rdf.columns if c not in META_COLUMNS)), None)
        if rep is None:
            findings.append(Finding("warning", "survey_unknown_table", Msg("f.survey_unknown_table"), file=rlabel))
            continue
        rows, _, _ = _decode_table(rdf, rlabel, form, rep, None, findings, dropped, main=False, style=style)
        if "PARENT_KEY" in rdf.columns:
            parents = [_clean_instance(v.split("/")[0]) for v in rdf["PARENT_KEY"]]
        else:
            parents = [index_map.get(v.strip()) for v in rdf["_parent_index"]]
        rows["_parent"] = parents
        known_parent = rows["_parent"].isin(responses.index)
        for r in rows.loc[~known_parent, "_row"]:
            findings.append(Finding("info", "survey_orphan_repeat", Msg("f.survey_orphan_repeat"), file=rlabel, row=int(r)))
        rows = rows[known_parent.values]
        rows["code"] = responses["code"].reindex(rows["_parent"]).values
        repeats[rep] = rows.reset_index(drop=True)
    counts["kept"] = len(responses)
    return SurveyData(responses, repeats, findings, sorted(dropped), counts["read"], counts)


def _decode_table(df: pd.DataFrame, label: str, form: Form, repeat: str | None, area_question: str | None,
                  findings: list[Finding], dropped: set[str], *, main: bool, style: NumberStyle | None = None
                  ) -> tuple[pd.DataFrame, dict[str, str], dict[str, str]]:
    """Decode one table's kept columns; record dropped column names.  Returns the frame, the
    Kobo ``_index`` → instance map and question name → export column (``_instance``: the
    instance-ID column)."""
    hm = _header_map(form, repeat)
    rows = df.index.to_numpy()  # spreadsheet rows (header = 1; blank rows left out)
    seen_q: dict[str, str] = {}
    split: dict[str, dict[str, str]] = {}
    for c in df.columns:
        if c in META_COLUMNS:
            continue
        hit = hm.get(c)
        if hit is None:
            dropped.add(c)
            continue
        qname, opt = hit
        q = form.questions[qname]
        if qname == area_question and opt is None:
            seen_q[qname] = c
        elif not q.kept or (opt is not None and q.type == "geopoint"):
            dropped.add(c)
        elif opt is not None:
            split.setdefault(qname, {})[opt] = c
        elif qname not in seen_q:
            seen_q[qname] = c
    colmap = {**{q: c for q, c in seen_q.items()}, **{q: next(iter(o.values())) for q, o in split.items()
                                                       if q not in seen_q}}
    out = pd.DataFrame(index=range(len(df)))
    out["_file"] = label
    out["_row"] = rows
    if area_question is not None:
        col = seen_q.pop(area_question, None)
        if col is None:
            raise InputError(Finding("error", "survey_no_area_column", Msg("f.survey_no_area_column"), file=label, value=area_question,
                                     expected=Msg("x.survey_no_area_column", p="/".join(form.questions[area_question].path + (area_question,)))))
        out["_raw_code"] = df[col].values
        out["code"] = [clean_code(v) for v in df[col]]
    for qname, col in seen_q.items():
        q = form.questions[qname]
        values = df[col]
        if q.type in ("select_one", "select_one_from_file"):
            valid = set(form.options(qname)) if q.type == "select_one" else None
            dec = []
            for r, v in zip(rows, values):
                v = v.strip()
                if v == "":
                    dec.append(pd.NA)
                elif valid is not None and v not in valid:
                    findings.append(Finding("warning", "survey_unknown_choice", Msg("f.survey_unknown_choice"), file=label, row=int(r),
                                            column=col, expected=Msg("x.survey_unknown_choice", valid=sorted(valid))))
                    dec.append(pd.NA)
                else:
                    dec.append(v)
            out[qname] = pd.array(dec, dtype="string")
        elif q.type in ("select_multiple", "select_multiple_from_file"):
            opts = form.options(qname)
            valid = set(opts)
            mat = {o: [] for o in opts}
            for r, v in zip(rows, values):
                tokens = v.split()
                if not tokens:
                    for o in opts:
                        mat[o].append(pd.NA)
                    continue
                for tkn in tokens:
                    if q.type == "select_multiple" and tkn not in valid:
                        findings.append(Finding("warning", "survey_unknown_choice", Msg("f.survey_unknown_choice.survey"), file=label,
                                                row=int(r), column=col,
                                                expected=Msg("x.survey_unknown_choice.survey", valid=sorted(valid))))
                chosen = set(tokens)
                for o in opts:
                    mat[o].append(o in chosen)
            for o in opts:
                out[f"{qname}/{o}"] = pd.array(mat[o], dtype="boolean")
        else:  # integer, decimal, range: the io number parser, values never echoed
            parsed = parse_column([v.strip() or None for v in values], list(rows), label=label, column=col,
                                  whole=q.type == "integer", style=style, fallback=None if style else EN,
                                  setting="[potential] decimal", echo=False)
            for f in parsed.findings:
                if f.level == "error":
                    findings.append(Finding("warning", "survey_not_numeric", Msg("f.survey_not_numeric"), file=label,
                                            row=f.row, column=col, expected=f.expected))
            nums = list(parsed.values)
            out[qname] = nums
    for qname, optcols in split.items():  # only split columns exported (no space-separated column)
        if qname in seen_q:
            continue
        for o in form.options(qname):
            if o in optcols:
                out[f"{qname}/{o}"] = pd.array([_is_true(v) if v.strip() else pd.NA for v in df[optcols[o]]], dtype="boolean")
            else:
                out[f"{qname}/{o}"] = pd.array([pd.NA] * len(df), dtype="boolean")
    inst_col = _instance_column(df) if main else None
    index_map: dict[str, str] = {}
    if main:
        if inst_col is None:
            ids = [f"row{r}" for r in rows]
            findings.append(Finding("warning", "survey_no_instance_id", Msg("f.survey_no_instance_id"), file=label,
                                    expected=Msg("x.survey_no_instance_id", instance_columns=list(INSTANCE_COLUMNS))))
        else:
            ids = [_clean_instance(v) or f"row{r}" for v, r in zip(df[inst_col], rows)]
        out.index = pd.Index(ids, name="instance")
        if "_index" in df.columns:
            index_map = {str(k).strip(): i for k, i in zip(df["_index"], ids)}
    if inst_col is not None:
        colmap["_instance"] = inst_col
    return out, index_map, colmap
