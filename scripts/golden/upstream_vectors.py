#!/usr/bin/env python3
"""Measures upstream Apex v3.0.6 (and the bittensor 9.9.0 SDK it pins) on our committed inputs.

This script contains no upstream code: it imports upstream's modules from the checkouts you point it at,
replaces only the imports the measured functions do not use (loguru, the chain, Epistula signing), runs:

  - MinerSampler.query_discriminators over real HTTP (aiohttp) against a local server that replies with each
    body in PARSE_BODIES (bytes and Content-Type exactly as listed),
  - MinerScorer.set_scores on an upstream-schema results.db, with AsyncChain.set_weights and the SDK's
    convert_and_normalize_weights_and_uids producing the u16 vector,
  - convert_and_normalize_weights_and_uids on random reward vectors,

and writes inputs + outputs as JSON test vectors.

Usage (python3 with numpy, aiohttp, pydantic, aiosqlite; Debian: apt-get install python3-numpy python3-aiohttp
python3-pydantic python3-aiosqlite):

    git --git-dir=<apex mirror> archive v3.0.6 | tar -x -C /tmp/apex
    git --git-dir=<bittensor mirror> archive v9.9.0 bittensor/utils/weight_utils.py | tar -x -C /tmp/bt
    python3 scripts/golden/upstream_vectors.py --apex /tmp/apex --bittensor /tmp/bt
"""

import argparse
import asyncio
import base64
import importlib.util
import json
import os
import random
import sqlite3
import sys
import tempfile
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PARSE_OUT = ROOT / "packages/protocol/test/fixtures/upstream-parse.json"
U16_OUT = ROOT / "packages/protocol/test/fixtures/upstream-u16.json"
SCORER_OUT = ROOT / "apps/validator/test/fixtures/upstream-scorer.json"
DEBUG_OUT = ROOT / "apps/validator/test/fixtures/upstream-debug.json"

ENVELOPE = '{"choices": [{"message": {"content": %s}}]}'
JSON_CT = "application/json"

# (name, body bytes, Content-Type)
PARSE_BODIES = [
    ("plain 1", b"1", JSON_CT),
    ("plain 0", b"0", JSON_CT),
    ("empty", b"", JSON_CT),
    ("whitespace around", b" \n1\t\r\n", JSON_CT),
    ("python-only whitespace \\x1f", b"\x1f1\x1c", JSON_CT),
    ("nbsp around", "\u00a01\u00a0".encode(), JSON_CT),
    ("utf-8 BOM then 1", b"\xef\xbb\xbf1", JSON_CT),
    ("utf-8 BOM then envelope", b"\xef\xbb\xbf" + (ENVELOPE % '"1"').encode(), JSON_CT),
    ("envelope 1", (ENVELOPE % '"1"').encode(), JSON_CT),
    ("envelope 0", (ENVELOPE % '"0"').encode(), JSON_CT),
    ("envelope padded content", (ENVELOPE % '" 1\\n"').encode(), JSON_CT),
    ("envelope escaped content", (ENVELOPE % '"\\u0031"').encode(), JSON_CT),
    ("envelope with surrounding whitespace", b"\n  " + (ENVELOPE % '"1"').encode() + b"  \n", JSON_CT),
    ("envelope text/plain utf-8", (ENVELOPE % '"1"').encode(), "text/plain; charset=utf-8"),
    ("nested envelope as string", (ENVELOPE % json.dumps(ENVELOPE % '"1"')).encode(), JSON_CT),
    ("nested envelope as object", (ENVELOPE % (ENVELOPE % '"1"')).encode(), JSON_CT),
    ("content null", (ENVELOPE % "null").encode(), JSON_CT),
    ("content number", (ENVELOPE % "1").encode(), JSON_CT),
    ("content NaN", (ENVELOPE % "NaN").encode(), JSON_CT),
    ("message null", b'{"choices": [{"message": null}]}', JSON_CT),
    ("message missing", b'{"choices": [{}]}', JSON_CT),
    ("object without choices", b"{}", JSON_CT),
    ("choices empty list", b'{"choices": []}', JSON_CT),
    ("choices object", b'{"choices": {"0": {"message": {"content": "1"}}}}', JSON_CT),
    ("choices string", b'{"choices": "1"}', JSON_CT),
    ("choices list of number", b'{"choices": [1]}', JSON_CT),
    ("choices null", b'{"choices": null}', JSON_CT),
    ("choices number", b'{"choices": 1}', JSON_CT),
    ("choices float", b'{"choices": 0.5}', JSON_CT),
    ("choices huge int", b'{"choices": 123456789012345678901234567890}', JSON_CT),
    ("choices true", b'{"choices": true}', JSON_CT),
    ("choices false", b'{"choices": false}', JSON_CT),
    ("choices NaN", b'{"choices": NaN}', JSON_CT),
    ("choices Infinity", b'{"choices": Infinity}', JSON_CT),
    ("choices -Infinity", b'{"choices": -Infinity}', JSON_CT),
    ("duplicate choices, last null", b'{"choices": [{"message": {"content": "1"}}], "choices": null}', JSON_CT),
    ("NaN elsewhere, content 1", b'{"score": NaN, "choices": [{"message": {"content": "1"}}]}', JSON_CT),
    ("Infinity elsewhere, content 1", b'{"choices": [{"message": {"content": "1"}}], "x": [Infinity, -Infinity]}', JSON_CT),
    ("-NaN is not JSON", b'{"choices": [{"message": {"content": "1"}}], "x": -NaN}', JSON_CT),
    ("lowercase nan is not JSON", b'{"choices": [{"message": {"content": "1"}}], "x": nan}', JSON_CT),
    ("NaN glued to digits", b'{"choices": [{"message": {"content": "1"}}], "x": NaN1}', JSON_CT),
    ("bare NaN", b"NaN", JSON_CT),
    ("bare Infinity", b"Infinity", JSON_CT),
    ("bare -Infinity", b"-Infinity", JSON_CT),
    ("list with NaN", b"[NaN]", JSON_CT),
    ("JSON string 1", b'"1"', JSON_CT),
    ("JSON number 1.0", b"1.0", JSON_CT),
    ("number 1e400", b"1e400", JSON_CT),
    ("trailing garbage after envelope", (ENVELOPE % '"1"').encode() + b" x", JSON_CT),
    ("vertical tab before envelope", b"\x0b" + (ENVELOPE % '"1"').encode(), JSON_CT),
    ("lone surrogate content", (ENVELOPE % '"\\ud800"').encode(), JSON_CT),
    ("control char in string", b'{"choices": [{"message": {"content": "1\x01"}}]}', JSON_CT),
    ("not UTF-8 0xff then 1", b"\xff1", JSON_CT),
    ("not UTF-8 latin-1 e-acute", "1\u00e9".encode("latin-1"), JSON_CT),
    ("not UTF-8 inside envelope", b'{"choices": [{"message": {"content": "1\xfe"}}]}', JSON_CT),
    ("overlong UTF-8", b"\xc0\xb1", JSON_CT),
    ("UTF-8 non-ASCII answer", "\u0661".encode(), JSON_CT),
    ("literal None", b"None", JSON_CT),
]


def stub_module(name, **attrs):
    mod = types.ModuleType(name)
    for k, v in attrs.items():
        setattr(mod, k, v)
    sys.modules[name] = mod
    return mod


def package(name, path):
    mod = types.ModuleType(name)
    mod.__path__ = [str(path)]
    sys.modules[name] = mod
    return mod


def load_file(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


class _NoLog:
    def __getattr__(self, _name):
        return lambda *a, **k: None


def install_stubs(apex_root: Path, bt_root: Path):
    # Imports the measured functions do not use.
    stub_module("loguru", logger=_NoLog())
    bt = package("bittensor", bt_root / "bittensor")
    bt.Wallet = object
    package("bittensor.core", bt_root / "bittensor/core")
    stub_module("bittensor.core.async_subtensor", AsyncSubtensor=object, AsyncMetagraph=object)
    stub_module("bittensor.core.metagraph", AsyncMetagraph=object)
    package("bittensor.utils", bt_root / "bittensor/utils")
    stub_module("bittensor.utils.btlogging", logging=_NoLog())
    stub_module(
        "bittensor.utils.registration",
        legacy_torch_api_compat=lambda f: f,
        torch=None,
        use_torch=lambda: False,
    )
    stub_module("bittensor_wallet", Keypair=object)
    stub_module("scalecodec", U16=object, ScaleBytes=object, Vec=object)

    apex = package("apex", apex_root / "apex")
    apex.__version__ = "3.0.6"
    apex.__spec_version__ = 30006
    package("apex.common", apex_root / "apex/common")
    package("apex.validator", apex_root / "apex/validator")

    async def generate_header(hotkey, body, signed_for=None):
        return {}

    stub_module("apex.common.epistula", generate_header=generate_header)
    stub_module("apex.validator.weight_syncer", WeightSyncer=object)

    weight_utils = load_file("bittensor.utils.weight_utils", bt_root / "bittensor/utils/weight_utils.py")
    return weight_utils


class FakeWallet:
    class hotkey:  # noqa: N801
        ss58_address = "5Validator"


# ---------------------------------------------------------------- parsing


async def measure_parsing():
    from aiohttp import web

    from apex.validator.miner_sampler import MinerInfo, MinerSampler
    from apex.common.models import MinerGeneratorResults

    routes = web.RouteTableDef()
    by_index = {str(i): (body, ct) for i, (_n, body, ct) in enumerate(PARSE_BODIES)}

    @routes.post("/{idx}/v1/chat/completions")
    async def reply(request):
        body, ct = by_index[request.match_info["idx"]]
        return web.Response(body=body, headers={"Content-Type": ct})

    app = web.Application()
    app.add_routes(routes)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]

    chain = types.SimpleNamespace(wallet=FakeWallet())
    out = []
    for i, (name, body, ct) in enumerate(PARSE_BODIES):
        sampler = MinerSampler(chain=chain, discriminator_sample_size=1)

        async def one_miner(sample_size, _i=i):
            return [MinerInfo(hotkey="5Miner", uid=1, address=f"http://127.0.0.1:{port}/{_i}")]

        sampler._sample_miners = one_miner
        gens = MinerGeneratorResults(
            query="q", generator_hotkeys=["5Gen"], generator_results=["text"], generator_times=[0.1]
        )
        entry = {"name": name, "body_base64": base64.b64encode(body).decode(), "content_type": ct}
        try:
            res = await sampler.query_discriminators(query="q", generator_results=gens, reference=None, ground_truth=1)
            entry["drop_round"] = False
            entry["answer"] = res.discriminator_results[0]
            entry["score"] = res.discriminator_scores[0]
        except Exception as exc:  # upstream lets these escape: the whole round is lost
            entry["drop_round"] = True
            entry["error"] = type(exc).__name__
        out.append(entry)
    await runner.cleanup()
    return out


# ---------------------------------------------------------------- scorer


SCHEMA = """
CREATE TABLE IF NOT EXISTS discriminator_results (
    query TEXT, generator_hotkey TEXT, generator_result TEXT, generator_score REAL,
    discriminator_hotkeys TEXT, discriminator_results TEXT, discriminator_scores TEXT,
    timestamp INTEGER, processed INTEGER DEFAULT 0, PRIMARY KEY (query, generator_hotkey));
"""


def make_scorer_case(rng, case_id, at, window_s, n_hotkeys, n_rows, n_disc):
    hotkeys = [f"5Hk{case_id:02d}{i:03d}" for i in range(n_hotkeys)]
    rows = []
    for r in range(n_rows):
        if rng.random() < 0.3:
            gen = "Validator"
            gt = 0
        else:
            gen = rng.choice(hotkeys)
            gt = 1
        discs = [rng.choice(hotkeys) for _ in range(n_disc)]
        answers = []
        scores = []
        for _ in discs:
            a = rng.choice(["0", "1", "1", "None", "maybe"])
            answers.append(a)
            scores.append(1.0 / n_disc if a == str(gt) else 0.0)
        g = 1.0 - sum(scores)
        # Around the window edge on purpose: exactly the cutoff, one second before, far before, recent.
        kind = rng.random()
        if kind < 0.05:
            ts = int(at - window_s)
        elif kind < 0.1:
            ts = int(at - window_s) - 1
        else:
            ts = int(at - rng.uniform(0, window_s * 1.15))
        rows.append(
            {
                "query": f"query {case_id}-{r}",
                "generator_hotkey": gen,
                "generator_result": f"t",
                "generator_score": g,
                "discriminator_hotkeys": discs,
                "discriminator_results": answers,
                "discriminator_scores": scores,
                "timestamp": ts,
            }
        )
    # The metagraph: most hotkeys, one missing (deregistered), plus an unknown uid with no results.
    meta_hotkeys = hotkeys[:-1] + ["5Fresh"]
    rng.shuffle(meta_hotkeys)
    return {
        "at": at,
        "window_hours": window_s / 3600,
        "rows": rows,
        "metagraph": [{"uid": i, "hotkey": h} for i, h in enumerate(meta_hotkeys)],
    }


class FrozenDatetime:
    """datetime.now() frozen at 2026-01-02 12:00:00 (the debug writers stamp local time)."""

    @staticmethod
    def now():
        import datetime

        return datetime.datetime(2026, 1, 2, 12, 0, 0)


DEBUG_ROUND = {
    "query": "Why is the sky blue? \u00e9\u2014 \U0001f600",
    "ground_truth": 1,
    "reference": "A redundant reference.",
    "generator_results": {"generator_hotkeys": ["5Gen"], "generator_results": ["It scatters."], "generator_times": [1.5]},
    "discriminator_results": {
        "generator_hotkey": "5Gen",
        "generator_result": "It scatters.",
        "generator_score": 0.5,
        "generator_time": 1.5,
        "discriminator_hotkeys": ["5D1", "5D2"],
        "discriminator_results": ["1", "None"],
        "discriminator_scores": [0.5, 0.0],
        "timestamp": 1767355200,
    },
}


async def measure_debug(case, weight_utils):
    """What upstream's MinerScorer(debug=True) and LoggerLocal write."""
    from apex.common.models import MinerDiscriminatorResults, MinerGeneratorResults
    from apex.validator import logger_local as ll
    from apex.validator import miner_scorer as ms

    ms.datetime = FrozenDatetime
    ll.datetime = FrozenDatetime
    await measure_scorer(case, weight_utils, debug=True)
    rewards_line = Path("debug_rewards.jsonl").read_text()
    r = DEBUG_ROUND
    logger = ll.LoggerLocal(filepath=str(Path(os.getcwd()) / "debug/logs.jsonl"))
    await logger.log(
        query=r["query"],
        ground_truth=r["ground_truth"],
        reference=r["reference"],
        generator_results=MinerGeneratorResults(query=r["query"], **r["generator_results"]),
        discriminator_results=MinerDiscriminatorResults(query=r["query"], **r["discriminator_results"]),
    )
    round_line = (Path(os.getcwd()) / "debug/logs-2026-01-02.jsonl").read_text()
    return {"rewards_line": rewards_line, "round": r, "round_line": round_line}


async def measure_scorer(case, weight_utils, debug=False):
    from apex.common.async_chain import AsyncChain
    from apex.validator import miner_scorer as ms

    tmp = tempfile.mkdtemp()
    os.chdir(tmp)
    db = sqlite3.connect("results.db")
    db.executescript(SCHEMA)
    for row in case["rows"]:
        db.execute(
            "INSERT INTO discriminator_results (query, generator_hotkey, generator_result, generator_score,"
            " discriminator_hotkeys, discriminator_results, discriminator_scores, timestamp)"
            " VALUES (?,?,?,?,?,?,?,?)",
            (
                row["query"],
                row["generator_hotkey"],
                row["generator_result"],
                row["generator_score"],
                json.dumps(row["discriminator_hotkeys"]),
                json.dumps(row["discriminator_results"]),
                json.dumps(row["discriminator_scores"]),
                row["timestamp"],
            ),
        )
    db.commit()
    db.close()

    captured = {}
    hotkeys = [m["hotkey"] for m in case["metagraph"]]
    metagraph = types.SimpleNamespace(n=len(hotkeys), hotkeys=hotkeys, uids=[m["uid"] for m in case["metagraph"]])

    class FakeSubtensor:
        async def set_weights(self, wallet, netuid, uids, weights, version_key, **_):
            captured["uids"], captured["u16"] = weight_utils.convert_and_normalize_weights_and_uids(uids, weights)
            return True, ""

    chain = AsyncChain.__new__(AsyncChain)
    chain._wallet = FakeWallet()
    chain._netuid = 1

    async def _metagraph():
        return metagraph

    async def _subtensor():
        return FakeSubtensor()

    chain.metagraph = _metagraph
    chain.subtensor = _subtensor
    real_set_weights = chain.set_weights

    async def capture(rewards):
        captured["totals"] = dict(rewards)
        return await real_set_weights(rewards)

    chain.set_weights = capture
    original_time = ms.time.time
    ms.time.time = lambda: case["at"]
    try:
        scorer = ms.MinerScorer(chain=chain, debug=debug)
        ok = await scorer.set_scores()
    finally:
        ms.time.time = original_time
    assert ok, "set_scores failed"
    return {
        "totals": captured["totals"],
        "weights": {"uids": [int(u) for u in captured["uids"]], "u16": [int(w) for w in captured["u16"]]},
    }


# ---------------------------------------------------------------- u16


def make_u16_cases(rng):
    cases = []
    for i in range(240):
        n = rng.randint(1, 64)
        style = i % 4
        if style == 0:
            vals = [rng.random() * rng.choice([1, 10, 1000]) for _ in range(n)]
        elif style == 1:  # window totals look like sums of 1/N
            vals = [sum(1 / 50 for _ in range(rng.randint(0, 300))) for _ in range(n)]
        elif style == 2:
            vals = [rng.random() ** 6 for _ in range(n)]
        else:
            vals = [round(rng.random(), rng.randint(1, 6)) for _ in range(n)]
        if rng.random() < 0.2:
            vals[rng.randrange(n)] = 0.0
        cases.append({"uids": list(range(n)), "weights": vals})
    cases.append({"uids": [0, 1, 2], "weights": [0.0, 0.0, 0.0]})
    return cases


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--apex", required=True, type=Path, help="apex v3.0.6 checkout (the folder holding apex/)")
    ap.add_argument("--bittensor", required=True, type=Path, help="bittensor v9.9.0 checkout (holding bittensor/)")
    ap.add_argument(
        "--compare-window",
        type=float,
        help="only print how many u16 weights of the committed scorer cases change when upstream uses this window",
    )
    args = ap.parse_args()
    weight_utils = install_stubs(args.apex.resolve(), args.bittensor.resolve())
    cwd = os.getcwd()
    if args.compare_window is not None:
        from apex.validator import miner_scorer as ms

        ms.SCORE_MA_WINDOW_HOURS = args.compare_window
        for i, case in enumerate(json.loads(SCORER_OUT.read_text())["cases"]):
            got = asyncio.run(measure_scorer(case, weight_utils))["weights"]
            os.chdir(cwd)
            want = dict(zip(case["expected"]["weights"]["uids"], case["expected"]["weights"]["u16"]))
            have = dict(zip(got["uids"], got["u16"]))
            uids = set(want) | set(have)
            changed = sum(1 for u in uids if want.get(u) != have.get(u))
            print(f"case {i + 1}: {changed} of {len(uids)} u16 weights change at {args.compare_window} h")
        return

    parse = asyncio.run(measure_parsing())
    PARSE_OUT.parent.mkdir(parents=True, exist_ok=True)
    PARSE_OUT.write_text(json.dumps({"made_by": "scripts/golden/upstream_vectors.py", "bodies": parse}, indent=1) + "\n")

    rng = random.Random(20260310)
    u16 = []
    for c in make_u16_cases(rng):
        uids, w = weight_utils.convert_and_normalize_weights_and_uids(list(c["uids"]), list(c["weights"]))
        u16.append({**c, "expected": {"uids": [int(x) for x in uids], "u16": [int(x) for x in w]}})
    U16_OUT.write_text(json.dumps({"made_by": "scripts/golden/upstream_vectors.py", "cases": u16}) + "\n")

    at = 1764676800.5  # 2025-12-02T12:00:00.5Z
    cases = [
        make_scorer_case(rng, 1, at, 23.75 * 3600, 24, 600, 8),
        make_scorer_case(rng, 2, at, 23.75 * 3600, 12, 120, 50),
    ]
    scorer = []
    for case in cases:
        result = asyncio.run(measure_scorer(case, weight_utils))
        scorer.append({**case, "expected": result})
    debug = asyncio.run(measure_debug(cases[1], weight_utils))
    os.chdir(cwd)
    DEBUG_OUT.write_text(
        json.dumps({"made_by": "scripts/golden/upstream_vectors.py", "rewards_case": 2, **debug}, indent=1) + "\n"
    )
    SCORER_OUT.parent.mkdir(parents=True, exist_ok=True)
    SCORER_OUT.write_text(json.dumps({"made_by": "scripts/golden/upstream_vectors.py", "cases": scorer}) + "\n")
    print(f"wrote {PARSE_OUT}, {U16_OUT}, {SCORER_OUT}")


if __name__ == "__main__":
    main()
