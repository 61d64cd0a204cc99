"""``python -m billing {api,worker,relay,migrate,dlq}``."""

from billing.service import runtime

if __name__ == "__main__":
    runtime.cli()
