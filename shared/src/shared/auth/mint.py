"""``capmetiers-token``: mint a local (HS256) token for a role, for development and scripts."""

from __future__ import annotations

import argparse
from datetime import timedelta

from shared.auth.tokens import Role, mint_token
from shared.settings import AuthSettings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("role", choices=[r.value for r in Role], nargs="+")
    parser.add_argument("--siren", help="the structure a member token is scoped to")
    parser.add_argument("--subject", default=None, help="who the token names (default: role)")
    parser.add_argument("--hours", type=float, default=8.0)
    args = parser.parse_args(argv)
    roles = [Role(r) for r in args.role]
    if Role.MEMBER in roles and not args.siren:
        parser.error("a member token needs --siren")
    token = mint_token(
        AuthSettings(),
        subject=args.subject or "-".join(r.value for r in roles),
        roles=roles,
        siren=args.siren,
        ttl=timedelta(hours=args.hours),
    )
    print(token)


if __name__ == "__main__":
    main()
