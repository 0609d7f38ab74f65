"""The package deploys: a wheel built from the sdist, installed into a fresh venv, run from
another folder, serves Chinese pages with its own templates, static files and translations.

Building is offline: `python -m build --no-isolation` uses the setuptools and Babel of the test
venv (both pinned in pyproject.toml), so no index is needed. The fresh venv holds the wheel
alone (installed with --no-deps --no-index); its dependencies come from the test venv's
site-packages through one .pth line (a .pth line only adds a folder: the test venv's own .pth
files, among them the editable install that points at the checkout, are not read). Every command
runs in a temp folder with no PYTHONPATH, so the checkout is not on sys.path: the test asserts
that `depot` is imported from the fresh venv.
"""
from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import sysconfig
import tarfile
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 60.0  # bound on gunicorn coming up on a busy machine
COMMAND_TIMEOUT_S = 300.0


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True,
                            timeout=COMMAND_TIMEOUT_S)
    assert result.returncode == 0, f"{args}: {result.stdout}\n{result.stderr}"
    return result


def _shipped_files() -> set[str]:
    """Every file of the checkout's package that is not a module: the wheel must carry them."""
    package = ROOT / "depot"
    found = set()
    for folder in ("templates", "static", "migrations", "translations"):
        for path in (package / folder).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".mo":
                found.add(path.relative_to(ROOT).as_posix())
    return found


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(wheel, sdist), the wheel built from the sdist as `python -m build` does."""
    out = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)],
         ROOT, dict(os.environ))
    (wheel,), (sdist,) = out.glob("*.whl"), out.glob("*.tar.gz")
    return wheel, sdist


def test_the_wheel_and_the_sdist_carry_compiled_catalogues_and_every_file(built):
    wheel, sdist = built
    names = set(zipfile.ZipFile(wheel).namelist())
    assert _shipped_files() - names == set()
    catalogues = sorted(p.relative_to(ROOT).as_posix()
                        for p in (ROOT / "depot" / "translations").glob("*/LC_MESSAGES/*.po"))
    assert len(catalogues) == 3
    assert {c.replace(".po", ".mo") for c in catalogues} <= names
    with tarfile.open(sdist) as tar:
        inside = {m.name.split("/", 1)[1] for m in tar.getmembers() if "/" in m.name}
    assert {c.replace(".po", ".mo") for c in catalogues} | set(catalogues) <= inside
    assert "setup.py" in inside


@pytest.fixture(scope="module")
def venv(built, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv holding the wheel and, through a .pth line, the test venv's dependencies."""
    wheel, _ = built
    home = tmp_path_factory.mktemp("venv") / "depot"
    _run([sys.executable, "-m", "venv", "--without-pip", str(home)], ROOT, dict(os.environ))
    python = home / "bin" / "python"
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
          "--no-index", "--quiet", str(wheel)], ROOT, dict(os.environ))
    own = Path(subprocess.run([str(python), "-c", "import sysconfig; "
                               "print(sysconfig.get_paths()['purelib'])"],
                              capture_output=True, text=True, check=True).stdout.strip())
    paths = sysconfig.get_paths()
    (own / "_depot_test_dependencies.pth").write_text(
        "\n".join(dict.fromkeys([paths["purelib"], paths["platlib"]])) + "\n")
    return python


def _clean_env() -> dict[str, str]:
    """The environment without anything pointing at the checkout or configuring Depot."""
    return {k: v for k, v in os.environ.items()
            if k not in ("PYTHONPATH", "FLASK_APP", "VIRTUAL_ENV") and not k.startswith("DEPOT_")}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(port: int, path: str, headers: dict[str, str] | None = None
         ) -> tuple[int, str, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type") or "", response.read()
    finally:
        connection.close()


@pytest.fixture(scope="module")
def served(venv: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, Path]]:
    """The installed Depot, set up and served by gunicorn from a folder outside the checkout:
    (port, that folder)."""
    work = tmp_path_factory.mktemp("elsewhere")
    env = _clean_env()
    where = _run([str(venv), "-c", "import depot, sys; print(depot.__file__); "
                  "print(*sys.path, sep='\\n')"], work, env).stdout.splitlines()
    assert where[0].startswith(str(venv.parent.parent)), where
    assert str(ROOT) not in {str(Path(entry or work).resolve()) for entry in where[1:]}
    _run([str(venv), "-m", "flask", "--app", "depot", "db", "upgrade"], work, env)
    created = _run([str(venv), "-m", "flask", "--app", "depot", "users", "create", "chief",
                    "--role", "admin", "--password", "a-long-password-1"], work, env)
    assert "created admin chief" in created.stdout
    port = _free_port()
    log = work / "gunicorn.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [str(venv), "-m", "gunicorn", "-w", "1", "-b", f"127.0.0.1:{port}",
             "depot:create_app()"], cwd=work, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                if _get(port, "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert server.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "gunicorn did not come up"
            time.sleep(0.2)
        yield port, work
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_the_installed_package_serves_chinese_pages_and_its_stylesheet(served):
    port, work = served
    status, kind, body = _get(port, "/login", {"Accept-Language": "zh-CN,zh;q=0.9"})
    page = body.decode()
    assert status == 200 and kind.startswith("text/html")
    assert '<html lang="zh-CN">' in page
    assert "<title>登录 · Depot</title>" in page and "用户名" in page and "密码" in page
    (stylesheet,) = re.findall(r'<link rel="stylesheet" href="([^"]+)"', page)
    status, kind, css = _get(port, stylesheet)
    assert status == 200 and kind.startswith("text/css")
    assert b"{" in css and len(css) > 1000
    status, _, traditional = _get(port, "/login", {"Accept-Language": "zh-TW"})
    assert status == 200 and "使用者名稱" in traditional.decode()


def test_the_installed_package_keeps_its_instance_in_the_working_folder(served, venv):
    _, work = served
    assert (work / "instance" / "depot.sqlite3").is_file()
    assert (work / "instance" / "secret_key").is_file()
    assert not list(venv.parent.parent.glob("lib/python*/site-packages/instance"))
