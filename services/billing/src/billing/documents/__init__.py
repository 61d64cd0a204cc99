"""Billing's documents (F3, F7, F8): what an issued invoice, credit note or reminder says,
frozen when it is issued (``sources``), and the file made from it once (``render``).

The file is a pure function of its frozen source: whenever and wherever it is made (a worker's
job, a request asking for it first, a process pool) it is the same bytes, so it is made once,
stored with its SHA-256 and served as stored.
"""
