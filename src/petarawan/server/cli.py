"""``petarawan server init | run`` (typer)."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

import typer

server_app = typer.Typer(no_args_is_help=True)


def _default_data_dir(url: str) -> Path:
    """Beside an SQLite file (``x.sqlite`` → ``x-files/``), else ``./petarawan-server-files``."""
    from sqlalchemy.engine import make_url

    u = make_url(url)
    if u.get_backend_name() == "sqlite" and u.database and u.database != ":memory:":
        p = Path(u.database)
        return p.with_name(p.stem + "-files").absolute()
    return Path("petarawan-server-files").absolute()


def _read_password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("Kata sandi admin / admin password: ")
        if getpass.getpass("Ulangi / repeat: ") != first:
            raise typer.BadParameter("kata sandi tidak sama / passwords differ")
        return first
    return sys.stdin.readline().rstrip("\r\n")


@server_app.command("init")
def init(db: str = typer.Option(None, "--db"),
         admin: str = typer.Option(..., "--admin"),
         data: Path = typer.Option(None, "--data")) -> None:
    """Create the schema and the first admin; the password is read from standard input (no default password exists).

    Example: petarawan server init --db sqlite:///kantor.sqlite --admin rina < kata-sandi.txt
    """
    from sqlalchemy import select

    from . import auth
    from .db import Setting, User, database_url, make_engine, migrate, sessions

    url = database_url(db)
    password = _read_password()
    try:
        auth.check_password_strength(password)
    except auth.PasswordError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(1)
    engine = make_engine(url)
    migrate(engine)
    with sessions(engine)() as s:
        root = s.get(Setting, "data_dir")
        if root is None:
            root = Setting(key="data_dir", value=str((data or _default_data_dir(url)).absolute()))
            s.add(root)
        Path(root.value).mkdir(parents=True, exist_ok=True)
        if s.execute(select(User).where(User.username == admin)).scalar_one_or_none() is not None:
            typer.echo(f"pengguna '{admin}' sudah ada / user '{admin}' exists", err=True)
            raise typer.Exit(1)
        auth.create_user(s, admin, password, "admin")
        auth.audit(s, None, "user_create", target=admin, role="admin", via="server init")
        s.commit()
    typer.echo(f"skema siap, admin '{admin}' dibuat; berkas di {root.value} / schema ready, admin '{admin}' created; "
               f"files in {root.value}")


@server_app.command("run")
def run(db: str = typer.Option(None, "--db"),
        host: str = typer.Option("127.0.0.1", "--host"),
        port: int = typer.Option(8080, "--port"),
        allowed_host: list[str] = typer.Option(None, "--allowed-host")) -> None:
    """Serve the application.

    Example: petarawan server run --db sqlite:///kantor.sqlite --host 127.0.0.1 --port 8080
    """
    import uvicorn

    from .app import create_app
    from .db import database_url, make_engine, migrate

    url = database_url(db)
    migrate(make_engine(url))  # a newer petarawan brings its migrations along
    hosts = list(allowed_host or [])
    if not hosts and host in ("127.0.0.1", "localhost", "::1"):
        hosts = ["127.0.0.1", "localhost", "[::1]"]
    try:
        web = create_app(url, allowed_hosts=hosts or None)
    except RuntimeError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(1)
    typer.echo(f"http://{host}:{port}  (Ctrl+C)")
    uvicorn.run(web, host=host, port=port, log_level="warning", access_log=False, proxy_headers=False)
