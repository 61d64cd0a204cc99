"""``python -m booking {api,worker,relay,migrate,dlq}``."""

from booking.service import runtime

if __name__ == "__main__":
    runtime.cli()
