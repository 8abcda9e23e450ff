"""``python -m cellwire enable|disable``: the block in IPython's kernel config of an environment,
written and removed exactly, and read by IPython as "load cellwire too"."""

from __future__ import annotations

import pytest
from ipykernel.kernelapp import IPKernelApp
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from cellwire import __main__ as cli
from cellwire import autoload

ADMIN_CONFIG = "c.IPKernelApp.exec_lines = ['import numpy']\n"


@pytest.fixture
def prefix_config(tmp_path, monkeypatch):
    """``--sys-prefix`` pointed at an empty environment's config dir."""
    config_dir = tmp_path / "etc" / "ipython"
    monkeypatch.setattr(autoload, "sys_prefix_config_dir", lambda: config_dir)
    return config_dir


def kernel_extensions(config_dir, earlier: Config) -> list[str]:
    """``IPKernelApp.extensions`` as a kernel sees it: ``earlier`` (e.g. a user's profile
    ipython_config.py, read before the kernel config) merged with the file in ``config_dir``."""
    config = Config(earlier)
    config.merge(PyFileConfigLoader(autoload.CONFIG_FILE, path=str(config_dir)).load_config())
    return IPKernelApp(config=config).extensions


def test_enable_writes_a_block_ipython_reads_and_disable_removes_the_file_it_made(prefix_config, capsys):
    assert cli.main(["enable", "--sys-prefix"]) == 0
    path = prefix_config / autoload.CONFIG_FILE
    out = capsys.readouterr().out
    assert f"wrote a block to {path}" in out and "Undo: python -m cellwire disable --sys-prefix" in out
    earlier = Config()
    earlier.InteractiveShellApp.extensions = ["autoreload"]  # set elsewhere: kept
    assert kernel_extensions(prefix_config, earlier) == ["autoreload", "cellwire"]

    assert cli.main(["enable"]) == 0  # --sys-prefix is the default; idempotent
    assert path.read_text().count(autoload.BEGIN) == 1 and "already loaded" in capsys.readouterr().out

    assert cli.main(["disable", "--sys-prefix"]) == 0
    assert not path.exists() and "removed the file" in capsys.readouterr().out
    assert cli.main(["disable"]) == 0 and "nothing to undo" in capsys.readouterr().out


def test_an_admins_own_config_is_kept_byte_for_byte(prefix_config):
    prefix_config.mkdir(parents=True)
    path = prefix_config / autoload.CONFIG_FILE
    path.write_text(ADMIN_CONFIG)
    autoload.enable(prefix_config)
    assert path.read_text().startswith(ADMIN_CONFIG) and autoload.is_enabled(prefix_config)
    autoload.disable(prefix_config)
    assert path.read_text() == ADMIN_CONFIG and not autoload.is_enabled(prefix_config)


def test_a_config_dir_that_cannot_be_written_says_what_to_do(tmp_path, monkeypatch, capsys):
    blocked = tmp_path / "etc"
    blocked.write_text("")  # a file where the directory should be
    monkeypatch.setattr(autoload, "sys_prefix_config_dir", lambda: blocked / "ipython")
    assert cli.main(["enable"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("cellwire: could not change") and "or use --user" in err


def test_user_writes_to_the_running_users_profile_only(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    assert cli.main(["enable", "--user"]) == 0
    path = tmp_path / "ipython" / "profile_default" / autoload.CONFIG_FILE
    assert autoload.is_enabled(path.parent) and "every kernel this user starts" in capsys.readouterr().out
    assert cli.main(["disable", "--user"]) == 0 and not path.exists()
