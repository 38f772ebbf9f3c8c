"""Pull an IKRN round's submissions from ODK Central or KoboToolbox (``petarawan ikrn pull``).

The study names the server, the form of each instrument and the *name* of the environment
variable holding the API token (``[ikrn.server]``); the token itself is never written in
``petarawan.toml``, in a message or in ``run.json``.  Each instrument's submissions are written,
atomically, to the first file named in ``[ikrn.returns]`` for it — exactly the export an office
would download by hand, so ``petarawan ikrn status`` and ``petarawan run`` read them unchanged:

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
from pathlib import Path
from urllib.parse import urlparse

from ..errors import ConfigError, Finding, InputError
from ..i18n import t
from .config import IkrnConfig
from .form import replace_file

__all__ = ["pull_round", "make_client"]


KOBO_PAGE = 5000


def make_client(token: str, kind: str):
    """An httpx client with the server's authorisation header (monkeypatched in tests)."""
    import httpx

    auth = f"Bearer {token}" if kind == "odk" else f"Token {token}"
    return httpx.Client(headers={"Authorization": auth}, timeout=httpx.Timeout(60.0, connect=15.0), follow_redirects=False)


def _fail_http(status: int, form: str) -> InputError:
    why = t(f"ikrn.pull.why.{status}" if status in (401, 403, 404) else "ikrn.pull.why.other", "id")
    why_en = t(f"ikrn.pull.why.{status}" if status in (401, 403, 404) else "ikrn.pull.why.other", "en")
    return InputError(Finding("error", "ikrn_pull_http", t("ikrn.pull.http", "id", status=status, form=form, why=why),
                              message_en=t("ikrn.pull.http", "en", status=status, form=form, why=why_en),
                              column="ikrn.server", expected=t("ikrn.pull.http.exp", "id"),
                              expected_en=t("ikrn.pull.http.exp", "en")))


def _get(client, url: str, form: str, **params):
    import httpx

    try:
        r = client.get(url, params=params or None)
    except httpx.HTTPError as err:
        raise InputError(Finding("error", "ikrn_pull_network", t("ikrn.pull.net", "id", err=type(err).__name__),
                                 message_en=t("ikrn.pull.net", "en", err=type(err).__name__), column="ikrn.server.url",
                                 expected=t("ikrn.pull.net.exp", "id"), expected_en=t("ikrn.pull.net.exp", "en"))) from None
    if r.status_code != 200:
        raise _fail_http(r.status_code, form)
    return r


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


def pull_round(study_dir: Path, cfg: IkrnConfig, instruments: list[str], *, environ=None, client=None) -> dict[str, tuple[str, int]]:
    """Download each instrument's submissions into its first ``[ikrn.returns]`` file.

    Parameters
    ----------
    instruments : instrument codes to pull (those with a form in ``[ikrn.server] forms``)
    environ : mapping for the token (default ``os.environ``)
    client : an httpx client (default :func:`make_client`)

    Returns
    -------
    dict instrument → (file name written, submissions or bytes written)

    Raises
    ------
    ConfigError
        No ``[ikrn.server]``, an empty token variable, a target file with the wrong suffix.
    InputError
        The server cannot be reached or refuses (status and reason; never the token).
    """
    srv = cfg.server
    if srv is None:
        raise ConfigError(t("ikrn.pull.no_server", "id") + " / " + t("ikrn.pull.no_server", "en"))
    token = (environ if environ is not None else os.environ).get(srv.token_env, "").strip()
    if not token:
        raise ConfigError(t("ikrn.pull.no_token", "id", env=srv.token_env) + " / " + t("ikrn.pull.no_token", "en", env=srv.token_env))
    suffix = ".zip" if srv.kind == "odk" else ".csv"
    targets = {}
    for ins in instruments:
        if ins not in srv.forms:
            continue
        name = (cfg.returns.get(ins) or [f"{ins}{suffix}"])[0]
        if not name.lower().endswith(suffix):
            raise ConfigError(t("ikrn.pull.suffix", "id", name=name, suffix=suffix, kind=srv.kind) + " / "
                              + t("ikrn.pull.suffix", "en", name=name, suffix=suffix, kind=srv.kind))
        targets[ins] = name
    base = srv.url.rstrip("/")
    own = urlparse(base).netloc
    client = client or make_client(token, srv.kind)
    out: dict[str, tuple[str, int]] = {}
    with client:
        for ins, name in targets.items():
            form = srv.forms[ins]
            if srv.kind == "odk":
                r = _get(client, f"{base}/v1/projects/{srv.project}/forms/{form}/submissions.csv.zip", form,
                         attachments="false")
                data, n = r.content, len(r.content)
            else:
                results: list[dict] = []
                url, params = f"{base}/api/v2/assets/{form}/data/", {"format": "json", "limit": KOBO_PAGE}
                while url:
                    page = _get(client, url, form, **params).json()
                    results.extend(page.get("results", []))
                    nxt = page.get("next")
                    url, params = (nxt, {}) if nxt and urlparse(nxt).netloc == own else (None, {})
                data, n = _kobo_csv(results), len(results)
            path = Path(study_dir) / name
            path.parent.mkdir(parents=True, exist_ok=True)
            replace_file(path, lambda tmp, data=data: tmp.write_bytes(data))
            out[ins] = (name, n)
    return out
