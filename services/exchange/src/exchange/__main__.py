"""``python -m exchange {api,worker,relay,migrate,dlq,partner}``."""

from exchange.service import runtime

if __name__ == "__main__":
    runtime.cli()
