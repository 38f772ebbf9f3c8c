"""Pull an IKRN round's submissions from ODK Central or KoboToolbox (``petarawan ikrn pull``).

The study names the server, the form of each instrument and the *name* of the environment
variable holding the API token (``[ikrn.server]``); the token itself is never written in
``petarawan.toml``, in a message or in ``run.json``.  Each instrument's submissions are written,
atomically, to the first file named in ``[ikrn.returns]`` for it — exactly the export an office
would download by hand, so ``petarawan ikrn status`` and ``petarawan run`` read them unchanged.

Nothing is replaced unless *every* instrument downloaded and each download is an export of the
study's questionnaire: an answer that is not the expected format (a network login page answering
HTTP 200 with HTML, a JSON error) or that lacks the area-code question (a wrong form id) stops the
pull before any file is written.  A download holding fewer submissions than the file it replaces
is written, but the earlier file is kept beside it as ``<name>.bak`` and a warning says so
(submissions deleted on the server are legitimate; a shrinking export is worth a look).

- ODK Central: ``GET /v1/projects/{project}/forms/{form}/submissions.csv.zip?attachments=false``
  with ``Authorization: Bearer <token>`` (ODK Central API, "Submissions → Exporting form
  submissions to CSV") → the ``.zip`` export.
- KoboToolbox: ``GET /api/v2/assets/{uid}/data/?format=json&limit=…`` with ``Authorization:
  Token <token>`` (KPI API v2), following ``next`` on the same server only → a Kobo-style CSV
  (``;``, XML names as headers; list and object values such as ``_attachments`` left out).

HTTP goes through httpx.  Tests use recorded responses (``httpx.MockTransport``); nothing here
runs at analysis time — only when the user asks to pull.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import tempfile
import zipfile
from pathlib import Path
from urllib.parse import urlparse

from ..errors import ConfigError, Finding, InputError
from ..i18n import Msg, t
from .config import IkrnConfig
from ..io.atomic import replace_file

__all__ = ["pull_round", "make_client"]


KOBO_PAGE = 5000


def make_client(token: str, kind: str):
    """An httpx client with the server's authorisation header (monkeypatched in tests)."""
    import httpx

    auth = f"Bearer {token}" if kind == "odk" else f"Token {token}"
    return httpx.Client(headers={"Authorization": auth}, timeout=httpx.Timeout(60.0, connect=15.0), follow_redirects=False)


def _fail_http(status: int, form: str) -> InputError:
    why = Msg(f"ikrn.pull.why.{status}" if status in (401, 403, 404) else "ikrn.pull.why.other")
    return InputError(Finding("error", "ikrn_pull_http", Msg("ikrn.pull.http", status=status, form=form, why=why),
                              column="ikrn.server", expected=Msg("ikrn.pull.http.exp")))


def _get(client, url: str, form: str, **params):
    import httpx

    try:
        r = client.get(url, params=params or None)
    except httpx.HTTPError as err:
        raise InputError(Finding("error", "ikrn_pull_network", Msg("ikrn.pull.net", err=type(err).__name__),
                                 column="ikrn.server.url", expected=Msg("ikrn.pull.net.exp"))) from None
    if r.status_code != 200:
        raise _fail_http(r.status_code, form)
    return r


def _not_data(r, form: str, kind: str) -> InputError:
    """The server answered 200 with something that is not an export (login page, JSON error)."""
    ctype = (r.headers.get("content-type") or "?").split(";")[0].strip()
    got = "HTML" if b"<html" in r.content[:2048].lower() or "html" in ctype else ctype
    name = "ODK Central" if kind == "odk" else "KoboToolbox"
    return InputError(Finding("error", "ikrn_pull_not_data", Msg("ikrn.pull.not_data", kind=name, form=form, got=got),
                              column="ikrn.server.url", expected=Msg("ikrn.pull.not_data.exp")))


def _kobo_page(r, form: str) -> dict:
    try:
        page = r.json()
    except ValueError:
        raise _not_data(r, form, "kobo") from None
    if not isinstance(page, dict) or not isinstance(page.get("results"), list):
        raise _not_data(r, form, "kobo")
    return page


def _submissions(data: bytes, suffix: str, label: str) -> tuple[int, list[str]]:
    """Rows and column names of a downloaded export (read by the round's own reader)."""
    from .returns import read_export

    with tempfile.TemporaryDirectory(prefix="petarawan-pull-") as tmp:
        path = Path(tmp) / f"export{suffix}"
        path.write_bytes(data)
        table = read_export(path, label=label)
        return len(table), list(table.columns)


def _kobo_csv(results: list[dict]) -> bytes:
    """Kobo-style CSV (``;``) of the JSON submissions: scalar values only, columns in first-seen order."""
    cols: dict[str, None] = {}
    for rec in results:
        for k, v in rec.items():
            if not isinstance(v, (list, dict)):
                cols.setdefault(k, None)
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";")
    w.writerow(list(cols))
    for rec in results:
        w.writerow(["" if rec.get(c) is None else str(rec.get(c)) for c in cols])
    return buf.getvalue().encode("utf-8")


def pull_round(study_dir: Path, cfg: IkrnConfig, instruments: list[str], *, environ=None, client=None,
               notes: list[Finding] | None = None) -> dict[str, tuple[str, int]]:
    """Download each instrument's submissions into its first ``[ikrn.returns]`` file.

    Parameters
    ----------
    instruments : instrument codes to pull (those with a form in ``[ikrn.server] forms``)
    environ : mapping for the token (default ``os.environ``)
    client : an httpx client (default :func:`make_client`)
    notes : a list that receives warnings (a download smaller than the file it replaced)

    Returns
    -------
    dict instrument → (file name written, submissions or bytes written)

    Raises
    ------
    ConfigError
        No ``[ikrn.server]``, an empty token variable, a target file with the wrong suffix.
    InputError
        The server cannot be reached or refuses (status and reason; never the token); it answers
        something that is not an export (``ikrn_pull_not_data``); a form's submissions lack the
        area-code question (``ikrn_pull_wrong_form``).  No file is replaced in any of these cases.
    """
    srv = cfg.server
    if srv is None:
        raise ConfigError(Msg("ikrn.pull.no_server"))
    token = (environ if environ is not None else os.environ).get(srv.token_env, "").strip()
    if not token:
        raise ConfigError(Msg("ikrn.pull.no_token", env=srv.token_env))
    suffix = ".zip" if srv.kind == "odk" else ".csv"
    targets = {}
    for ins in instruments:
        if ins not in srv.forms:
            continue
        name = (cfg.returns.get(ins) or [f"{ins}{suffix}"])[0]
        if not name.lower().endswith(suffix):
            raise ConfigError(Msg("ikrn.pull.suffix", name=name, suffix=suffix, kind=srv.kind))
        targets[ins] = name
    base = srv.url.rstrip("/")
    own = urlparse(base).netloc
    client = client or make_client(token, srv.kind)
    q = cfg.area_question
    fetched: list[tuple[str, str, bytes, int, int]] = []  # instrument, file, bytes, shown count, submissions
    with client:  # 1. download and check every instrument; nothing is written yet
        for ins, name in targets.items():
            form = srv.forms[ins]
            if srv.kind == "odk":
                r = _get(client, f"{base}/v1/projects/{srv.project}/forms/{form}/submissions.csv.zip", form,
                         attachments="false")
                if not zipfile.is_zipfile(io.BytesIO(r.content)):
                    raise _not_data(r, form, "odk")
                data = r.content
            else:
                results: list[dict] = []
                url, params = f"{base}/api/v2/assets/{form}/data/", {"format": "json", "limit": KOBO_PAGE}
                while url:
                    page = _kobo_page(_get(client, url, form, **params), form)
                    results.extend(page["results"])
                    nxt = page.get("next")
                    url, params = (nxt, {}) if nxt and urlparse(nxt).netloc == own else (None, {})
                data = _kobo_csv(results)
            n, columns = _submissions(data, suffix, name) if data.strip() else (0, [])
            if n and not any(c == q or c.endswith((f"/{q}", f"-{q}")) for c in columns):
                raise InputError(Finding("error", "ikrn_pull_wrong_form", Msg("ikrn.pull.wrong_form", form=form, question=q, ins=ins),
                                         column=f"ikrn.server.forms.{ins}", expected=Msg("ikrn.pull.wrong_form.exp", ins=ins)))
            fetched.append((ins, name, data, n if srv.kind == "kobo" else len(data), n))
    out: dict[str, tuple[str, int]] = {}
    for ins, name, data, shown, n in fetched:  # 2. every download is good: replace the files
        path = Path(study_dir) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        old = _old_count(path, suffix, name)
        if old is not None and n < old:
            backup = path.with_name(path.name + ".bak")
            shutil.copy2(path, backup)
            if notes is not None:
                notes.append(Finding("warning", "ikrn_pull_fewer",
                                     Msg("ikrn.pull.fewer", name=name, n=n, old=old, backup=backup.name), file=name))
        replace_file(path, lambda tmp, data=data: tmp.write_bytes(data))
        out[ins] = (name, shown)
    return out


def _old_count(path: Path, suffix: str, name: str) -> int | None:
    """Submissions in the file about to be replaced (None when absent or unreadable)."""
    if not path.is_file():
        return None
    try:
        return _submissions(path.read_bytes(), suffix, name)[0]
    except (InputError, OSError):
        return None
