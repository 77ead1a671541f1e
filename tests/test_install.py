"""The package installs the way users (and deploy/Dockerfile) install it: `pip install .`, not -e.

The project is copied (no .git, no caches), installed into a fresh venv, and `labor-bot` is run from
an empty folder, so nothing can come from the checkout: a package or data file missing from the
wheel fails here. The venv sees the system site-packages for the dependencies, and pip installs only
our package (--no-deps --no-build-isolation), so the test needs no network.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import venv

from conftest import ROOT

IGNORE = shutil.ignore_patterns(".git", "__pycache__", "*.egg-info", "build", "dist", ".venv", ".hypothesis",
                                ".pytest_cache", "*.sqlite", "*.sqlite-wal", "*.sqlite-shm", ".env")


def test_pip_install_dot_into_a_fresh_venv_answers_from_another_folder(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(ROOT, src, ignore=IGNORE)
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(system_site_packages=True, with_pip=False).create(env_dir)
    py = env_dir / "bin" / "python"
    pip = subprocess.run([py, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                          "--disable-pip-version-check", "--no-index", str(src)],
                         capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert pip.returncode == 0, pip.stdout + pip.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LABOR_BOT_", "PYTHON"))}
    env |= {"LABOR_BOT_CACHE": str(tmp_path / "cache"), "LABOR_BOT_DB": str(tmp_path / "db.sqlite"),
            "HOME": str(tmp_path), "PATH": f"{env_dir / 'bin'}{os.pathsep}{env.get('PATH', '')}"}

    def run(*args):
        return subprocess.run(list(args), capture_output=True, text=True, env=env, cwd=elsewhere, timeout=120)

    where = run(str(py), "-c", "import bot, knowledge; print(bot.__file__); print(knowledge.__file__)")
    assert where.returncode == 0, where.stderr
    site = str(env_dir)
    assert all(line.startswith(site) for line in where.stdout.split()), where.stdout  # the installed copy
    ask = run(str(env_dir / "bin" / "labor-bot"), "ask", "返乡创业贷款能贷多少")
    assert ask.returncode == 0, ask.stderr
    assert "创业担保贷款" in ask.stdout and "万元" in ask.stdout and "出处" in ask.stdout
    check = run(str(env_dir / "bin" / "labor-bot"), "kb", "check")
    assert check.returncode == 0, check.stdout + check.stderr
    sources = run(str(py), "-c", "from bot.kb.loader import source_text; from bot.kb import load_kb; "
                                 "kb = load_kb(); print(len(source_text(kb, 'luding')), len(source_text(kb, 'luzhou')))")
    assert sources.returncode == 0, sources.stderr
    assert all(int(n) > 4000 for n in sources.stdout.split())
