"""``python -m membership {api,worker,relay,migrate,dlq}``."""

from membership.service import runtime

if __name__ == "__main__":
    runtime.cli()
