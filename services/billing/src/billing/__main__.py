"""``python -m billing {api,worker,relay,migrate,dlq,overdue}``.

``python -m billing overdue --date 2026-03-01`` marks the invoices past due on that date as
overdue (F4), exactly as the worker's hourly job does for today; re-running it changes nothing.
"""

import sys

from billing.service import runtime

if __name__ == "__main__":
    runtime.cli(sys.argv[1:])
