"""The synced model's kernel side: versions, acks, refusals, coalescing, buffers, custom messages."""

import time

from fakes import Page, settle
from traitlets import Bytes, Int, List, Unicode

from cellwire import IntSlider, Model
from cellwire.serialize import join_buffers, split_binary


class Thing(Model):
    n = Int(0).tag(sync=True)
    name = Unicode("").tag(sync=True)
    blob = Bytes(b"").tag(sync=True)
    items = List().tag(sync=True)
    hidden = Int(0)  # not synced


def updates(page, model):
    return [d for d, _ in page.comm.model_msgs(model.target_id) if d.get("method") == "update"]


def test_attach_gets_full_state_versions_and_binary_as_buffers(link):
    page = Page(link, "p1")
    thing = Thing(n=3, blob=b"\x00\x01", items=[1, b"xy"])
    attached = page.attach(thing)
    init = attached["init"]
    assert init["kind"] == "model" and init["name"] == "Thing"
    assert init["state"]["n"] == 3 and "hidden" not in init["state"]
    assert init["state"]["blob"] is None and init["state"]["items"] == [1, None]
    assert sorted(init["buffer_paths"]) == [["blob"], ["items", 1]]
    assert sorted(page.comm.sent[-1][1]) == [b"\x00\x01", b"xy"]
    assert set(init["versions"]) == set(thing.keys)


def test_view_update_is_applied_acked_and_broadcast_with_a_new_version(link):
    p1, p2 = Page(link, "p1"), Page(link, "p2")
    thing = Thing()
    p1.attach(thing)
    p2.attach(thing)
    seen = []
    thing.observe(lambda c: seen.append(c["new"]), "n")
    seq = p1.update({"n": 7})
    assert thing.n == 7 and seen == [7]
    ack = updates(p1, thing)[-1]
    assert ack["ack"] == seq and ack["state"] == {"n": 7} and ack["versions"]["n"] == 1
    echo = updates(p2, thing)[-1]
    assert "ack" not in echo and echo["state"] == {"n": 7} and echo["versions"]["n"] == 1


def test_last_writer_at_the_kernel_wins_and_versions_only_grow(link):
    p1, p2 = Page(link, "p1"), Page(link, "p2")
    thing = Thing()
    p1.attach(thing)
    p2.attach(thing)
    p2.update({"n": 2})
    p1.update({"n": 1})  # based on an older version, arrives later: it wins
    assert thing.n == 1
    versions = [u["versions"]["n"] for u in updates(p2, thing)]
    assert versions == sorted(versions) and updates(p2, thing)[-1]["state"]["n"] == 1


def test_wrong_type_is_refused_with_the_kernels_value_and_a_message(link):
    page = Page(link, "p1")
    slider = IntSlider(5, max=10)
    page.attach(slider)
    seq = page.update({"value": "not a number"})
    reply = updates(page, slider)[-1]
    assert slider.value == 5
    assert reply["ack"] == seq and reply["state"] == {"value": 5}
    assert "value" in reply["errors"] and "int" in reply["errors"]["value"]


def test_out_of_range_is_clamped_and_the_clamped_value_is_echoed(link):
    page = Page(link, "p1")
    slider = IntSlider(5, max=10)
    page.attach(slider)
    page.update({"value": 99})
    assert slider.value == 10 and updates(page, slider)[-1]["state"] == {"value": 10}


def test_unknown_trait_names_are_reported(link):
    page = Page(link, "p1")
    thing = Thing()
    page.attach(thing)
    page.update({"nope": 1, "hidden": 5, "n": 4})
    reply = updates(page, thing)[-1]
    assert thing.n == 4 and thing.hidden == 0
    assert set(reply["errors"]) == {"nope", "hidden"} and "no synced trait 'nope'" in reply["errors"]["nope"]


def test_binary_values_from_the_view_arrive_as_bytes(link):
    page = Page(link, "p1")
    thing = Thing()
    page.attach(thing)
    page.update({"blob": None, "items": [1, None]}, buffers=[b"abc", b"de"], buffer_paths=[["blob"], ["items", 1]])
    assert thing.blob == b"abc" and thing.items == [1, b"de"]
    page.update({"blob": None}, buffers=[b"x"], buffer_paths=[["nothere", 3]])
    assert page.comm.last["code"] == "malformed" and "does not exist" in page.comm.last["message"]


def test_python_bursts_are_coalesced_and_the_final_value_is_exact(link):
    page = Page(link, "p1")
    thing = Thing()
    page.attach(thing)
    before = len(updates(page, thing))
    start = time.monotonic()
    for i in range(20001):
        thing.n = i
    elapsed = time.monotonic() - start
    settle(page)
    sent = updates(page, thing)[before:]
    assert sent[-1]["state"]["n"] == 20000 and sent[-1]["versions"]["n"] == 20000
    # at most one flush per interval, plus the first and the deferred last one
    assert len(sent) <= elapsed / thing.flush_interval + 3
    assert len(sent) < 200


def test_hold_sync_sends_one_update(link):
    page = Page(link, "p1")
    thing = Thing()
    page.attach(thing)
    settle(page)
    before = len(updates(page, thing))
    with thing.hold_sync():
        thing.n = 1
        thing.name = "x"
    settle(page)
    sent = updates(page, thing)[before:]
    assert len(sent) == 1 and sent[0]["state"] == {"n": 1, "name": "x"}


def test_no_views_no_messages(link):
    page = Page(link, "p1")
    thing = Thing()
    thing.n = 5
    assert updates(page, thing) == []
    assert page.attach(thing)["init"]["state"]["n"] == 5


def test_custom_messages_both_ways(link):
    page = Page(link, "p1")
    thing = Thing()
    page.attach(thing)
    got = []
    thing.on_msg(lambda m, content, buffers: got.append((m, content, [bytes(b) for b in buffers])))
    page.custom({"hi": 1}, buffers=[b"zz"])
    assert got == [(thing, {"hi": 1}, [b"zz"])]
    thing.send({"yo": 2}, [b"b"])
    data, bufs = page.comm.model_msgs(thing.target_id)[-1]
    assert data == {"method": "custom", "content": {"yo": 2}} and bufs == [b"b"]


def test_unknown_method_is_reported(link):
    page = Page(link, "p1")
    thing = Thing()
    page.attach(thing)
    page.comm.deliver({"op": "msg", "view": "v1", "data": {"method": "teleport"}})
    assert page.comm.last["op"] == "error" and "teleport" in page.comm.last["message"]


def test_split_and_join_buffers_round_trip():
    import numpy as np

    state = {"a": b"1", "b": {"c": [np.arange(3, dtype="u1"), 2]}, "d": "text"}
    json_state, paths, buffers = split_binary(state)
    assert json_state == {"a": None, "b": {"c": [None, 2]}, "d": "text"}
    assert [bytes(b) for b in buffers] == [b"1", b"\x00\x01\x02"]
    back = join_buffers(json_state, paths, buffers)
    assert back == {"a": b"1", "b": {"c": [b"\x00\x01\x02", 2]}, "d": "text"}


def test_model_messages_follow_the_json_schema(link):
    import json
    from pathlib import Path

    import jsonschema

    schema = json.loads((Path(__file__).resolve().parents[2] / "src/cellwire/schema/model.json").read_text())
    defs = schema["$defs"]

    def check(instance, name):
        jsonschema.validate(instance, {"$defs": defs, "$ref": f"#/$defs/{name}"})

    page = Page(link, "p1")
    thing = Thing(blob=b"1")
    thing._css_source = ".x{}"
    check(page.attach(thing)["init"], "init")
    page.update({"n": "bad", "nope": 1})
    thing.send({"a": 1})
    thing.n = 3
    sent = [data for data, _ in page.comm.model_msgs(thing.target_id)]
    assert {data["method"] for data in sent} == {"update", "custom"}, sent  # the refusal, the set and the send
    for data in sent:
        check(data, "kernel-update" if data["method"] == "update" else "custom")
    check({"method": "update", "seq": 1, "state": {"n": 1}, "buffer_paths": []}, "page-update")


def test_many_models_in_a_loop_stay_under_the_iopub_rate_limit(link):
    page = Page(link, "p1")
    things = [Thing() for _ in range(40)]
    for thing in things:
        page.attach(thing, view=thing.target_id)
    before = len(page.comm.sent)
    start = time.monotonic()
    while time.monotonic() - start < 0.5:
        for _i, thing in enumerate(things):
            thing.n += 1
    settle(page)
    elapsed = time.monotonic() - start
    sent = len(page.comm.sent) - before
    assert sent / elapsed < 500, f"{sent} messages in {elapsed:.2f} s"
    for thing in things:  # every model still ends with its exact final value
        assert updates(page, thing)[-1]["state"]["n"] == thing.n
