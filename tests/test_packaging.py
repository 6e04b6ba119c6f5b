"""A non-editable install carries the shipped rules and templates inside the package."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_installs_rules_and_templates_as_package_data(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "--no-build-isolation", "-w", str(tmp_path / "dist"), str(ROOT)],
                   check=True, timeout=300)
    wheel = next((tmp_path / "dist").glob("keyhelp-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "bot/_shipped/rules/product-key.yaml" in names
    shipped_templates = [n for n in names if n.startswith("bot/_shipped/templates/")]
    assert len(shipped_templates) == sum(1 for p in (ROOT / "templates").rglob("*") if p.is_file())

    target = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(target)
    probe = ("from bot.paths import rules_path, templates_dir; "
             "print(rules_path()); print(templates_dir())")
    env = {"PYTHONPATH": str(target), "PATH": "", "XDG_CONFIG_HOME": str(tmp_path / "config")}
    done = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True,
                          text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    rules, templates = done.stdout.split()
    assert rules == str(target / "bot/_shipped/rules/product-key.yaml")
    assert templates == str(target / "bot/_shipped/templates")

    # the installed copy is not the one to edit: `keyhelp rules init` makes the user file,
    # which the installed package then reads
    init = ("from bot.channels.cli.main import main; main(['rules', 'init']); "
            "from bot.paths import rules_path; print(rules_path())")
    done = subprocess.run([sys.executable, "-c", init], cwd=tmp_path, capture_output=True,
                          text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    user = tmp_path / "config" / "keyhelp" / "rules.yaml"
    assert done.stdout.splitlines()[-1] == str(user)
    assert user.read_bytes() == (ROOT / "rules" / "product-key.yaml").read_bytes()
