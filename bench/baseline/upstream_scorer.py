"""Baseline for the scorer benchmark: the upstream method of window totals.

Reads a table shaped as upstream's `discriminator_results` (one row per round, JSON arrays of hotkeys and scores)
and sums row by row as upstream's MinerScorer does: per row a dict of each discriminator's score, overwritten by
the generator's score unless the generator is "Validator", then added to the totals.

Usage: python3 upstream_scorer.py DB SINCE_SECONDS
Prints one JSON line: {"ms": query+decode+sum time, "hotkeys": n, "checksum": sum of all totals}.
"""

import json
import sqlite3
import sys
import time


def window_totals(conn: sqlite3.Connection, since: int) -> dict:
    totals: dict = {}
    rows = conn.execute(
        "SELECT generator_hotkey, generator_score, discriminator_hotkeys, discriminator_scores "
        "FROM discriminator_results WHERE timestamp >= ?",
        (since,),
    )
    for gen_hotkey, gen_score, disc_hotkeys, disc_scores in rows:
        row: dict = {}
        for hotkey, score in zip(json.loads(disc_hotkeys), json.loads(disc_scores)):
            row[hotkey] = float(score)
        if gen_hotkey != "Validator":
            row[gen_hotkey] = float(gen_score)
        for hotkey, value in row.items():
            totals[hotkey] = totals.get(hotkey, 0.0) + value
    return totals


def main() -> None:
    db, since = sys.argv[1], int(sys.argv[2])
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=WAL")
    started = time.perf_counter()
    totals = window_totals(conn, since)
    ms = (time.perf_counter() - started) * 1000
    print(json.dumps({"ms": ms, "hotkeys": len(totals), "checksum": sum(totals.values())}))


if __name__ == "__main__":
    main()
