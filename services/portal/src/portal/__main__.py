"""``python -m portal api``: the portal's web server (uvicorn), on ``HOST``:``PORT``."""

from __future__ import annotations

import argparse
import os

import uvicorn

from portal.settings import PortalSettings
from shared.logging import configure_logging


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m portal")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("api", help="serve the portal's pages")
    parser.parse_args(argv)
    settings = PortalSettings()
    configure_logging("portal", settings.log_level, json_logs=settings.log_json)
    uvicorn.run(
        "portal.app:create_app",
        factory=True,
        host=os.environ.get("HOST", "127.0.0.1"),
        port=int(os.environ.get("PORT", "8000")),
        log_config=None,
        access_log=False,
        # one process: the sessions live in its memory (see portal.sessions)
        workers=1,
    )


if __name__ == "__main__":
    main()
