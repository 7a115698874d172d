"""Baseline for the miner-serving benchmark: the seed's dummy miner as a minimal aiohttp server.

It answers the Apex miner route the way the seed's base miner does: a fixed sentence for a generator request and
a uniformly random "0"/"1" for a discriminator request, with no Epistula verification. It prints
"listening <port>" once it serves. Usage: python3 dummy_miner.py [--port N] (0 picks a free port).
"""

import argparse
import asyncio
import json
import random

from aiohttp import web

DUMMY = "This is a dummy generation from the base miner."


async def chat(request: web.Request) -> web.Response:
    try:
        body = json.loads(await request.read())
    except ValueError:
        return web.Response(status=400, text="body is not valid JSON")
    if body.get("step") == "generator":
        return web.Response(text=DUMMY)
    return web.Response(text=random.choice(["0", "1"]))


async def main(port: int) -> None:
    app = web.Application(client_max_size=1024 * 1024)
    app.router.add_post("/v1/chat/completions", chat)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    bound = site._server.sockets[0].getsockname()[1]  # noqa: SLF001 (the only way to learn port 0's choice)
    print(f"listening {bound}", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    try:
        asyncio.run(main(parser.parse_args().port))
    except KeyboardInterrupt:
        pass
