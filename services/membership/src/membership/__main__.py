"""``python -m membership {api,worker,relay,migrate,dlq,lapse}``.

``lapse [--date YYYY-MM-DD]`` runs the lapse scheduler (M4) once for a day, today by default:
how an operator catches up a missed day.
"""

import sys

from membership.service import runtime

if __name__ == "__main__":
    runtime.cli(sys.argv[1:])
