"""``python -m training {api,worker,relay,migrate,dlq}``."""

from training.service import runtime

if __name__ == "__main__":
    runtime.cli()
