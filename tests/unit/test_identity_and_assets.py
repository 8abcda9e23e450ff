import json
import re
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10 (the test extra installs tomli there)
    import tomli as tomllib

from cellwire import Channel, __version__, bundle
from cellwire.transport import assets, identity
from cellwire.transport.identity import kernel_id_from_connection_file

ROOT = Path(__file__).resolve().parents[2]


def test_the_version_has_one_source():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "version" not in meta["project"] and "version" in meta["project"]["dynamic"]
    assert meta["tool"]["hatch"]["version"]["path"] == "src/cellwire/_version.py"
    assert re.fullmatch(r"\d+\.\d+\.\d+\S*", __version__)


def test_kernel_id_comes_from_jupyter_server_connection_file_names():
    uid = "3a243118-311c-477c-beb2-90a736d1f933"
    assert kernel_id_from_connection_file(f"/run/jupyter/kernel-{uid}.json") == uid
    assert kernel_id_from_connection_file(f"kernel-{uid.upper()}.json") == uid
    assert kernel_id_from_connection_file("/tmp/kernel-12345.json") is None  # jupyter console style
    assert kernel_id_from_connection_file("/tmp/tmpabc.json") is None
    assert kernel_id_from_connection_file(None) is None


def test_a_kernel_started_through_a_gateway_knows_it():
    assert identity.started_by_gateway({"KERNEL_GATEWAY": "1"})  # jupyter kernelgateway
    assert identity.started_by_gateway({"KERNEL_LAUNCH_TIMEOUT": "58"})  # jupyter_server's gateway client
    assert not identity.started_by_gateway({"JPY_PARENT_PID": "1"})


def test_runtime_modules_come_in_dependency_order():
    payload = assets.runtime_payload()
    names = [m["name"] for m in payload["modules"]]
    assert names[-1] == payload["entry"] == "runtime.js"
    for i, module in enumerate(payload["modules"]):
        for dep in re.findall(r'"\./([\w-]+\.js)"', module["source"]):
            assert names.index(dep) < i, f"{module['name']} imports {dep} before it is linked"
    assert names.index("socket-worker.js") < names.index("transport.js")  # the worker's URL is linked too


def test_bundle_has_snapshot_loader_and_no_credentials():
    data = bundle.bundle(Channel(), "<b>snap</b>", "plain")
    html = data["text/html"]
    assert data["text/plain"] == "plain"
    assert '<div class="cellwire-snapshot"><b>snap</b></div>' in html
    spec = json.loads(re.search(r"\}\)\((\{.*?\}), document\.currentScript\)", html).group(1))
    assert set(spec) == {"el", "target", "instance", "kernel_id", "v", "protocol", "subshell", "rt"}
    assert spec["rt"] == assets.runtime_payload()["hash"]
    assert spec["instance"] == identity.INSTANCE_ID
    assert f'id="{spec["el"]}"' in html
    assert "token" not in json.dumps(spec) and "__CELLWIRE_SPEC__" not in html


def test_a_target_that_preloads_a_vendored_bundle_names_it_by_content_hash():
    class Bridged(Channel):
        _preload = ("jupyter-widgets",)

    html = bundle.bundle(Bridged(), "", "")["text/html"]
    spec = json.loads(re.search(r"\}\)\((\{.*?\}), document\.currentScript\)", html).group(1))
    vendored = assets.vendor_bundle("jupyter-widgets")
    assert spec["preload"] == [vendored["hash"]]
    assert assets.vendor_bundle_by_hash(vendored["hash"]) is vendored
    assert assets.vendor_bundle_by_hash("0" * 16) is None


def test_content_hashes_are_the_whole_sha256_of_what_a_page_keeps():
    """A page keeps the runtime and each bundle in Cache Storage as these parts joined by NUL and
    runs a kept copy only if its SHA-256 is the hash (loader.js, ``cached``): no part may hold a
    NUL, or the page could not split it back."""
    import hashlib

    runtime = assets.runtime_payload()
    parts = [runtime["entry"], *(part for m in runtime["modules"] for part in (m["name"], m["source"]))]
    vendored = assets.vendor_bundle("jupyter-widgets")
    for digest, kept in ((runtime["hash"], parts), (vendored["hash"], [vendored["js"], vendored["css"]])):
        assert all("\0" not in part for part in kept)
        assert digest == hashlib.sha256("\0".join(kept).encode()).hexdigest()


def test_script_json_cannot_close_the_script_element():
    text = bundle.script_json({"x": "</script><script>alert(1)</script><!--"})
    assert "<" not in text and ">" not in text
    assert json.loads(text) == {"x": "</script><script>alert(1)</script><!--"}
