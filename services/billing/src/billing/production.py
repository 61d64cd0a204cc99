"""Making the files of frozen documents (F7, F8): the worker's job, and a request's own.

A document's file takes about a second of CPU (fonts subset, PDF/A, the XML checked against
the EN 16931 schema), so it is never made in the issuing transaction, which holds the year's
counter lock: issuing stays a few milliseconds. The worker's job makes the files of what was
issued, shortly after: ``documents.processes`` processes in parallel (each render in a process
of a pool: the work is CPU-bound and would hold the worker's event loop), or, when 0, one at a
time in a worker thread. A request asking for a document not made yet makes it at once in a
worker thread and stores it; whoever stores first, the bytes are the same (they are a pure
function of the frozen source) and the stored ones are served ever after.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import TYPE_CHECKING, Any

from billing.documents.render import RenderedFile, render
from billing.repositories.document_records import DocumentFilter, DocumentRecord, StoredFile
from billing.use_cases.documents import Renderer, produce_documents, waiting_problem
from shared.runtime import ServiceRuntime

if TYPE_CHECKING:
    from billing.service import BillingRuntime

log = logging.getLogger(__name__)


def renderer(executor: Executor | None = None) -> Renderer:
    """Render in ``executor`` (a process pool), or in a worker thread when None."""

    async def run(document: DocumentRecord) -> RenderedFile:
        arguments = (document.kind, document.number, document.source, document.references)
        if executor is None:
            return await asyncio.to_thread(render, *arguments)
        return await asyncio.get_running_loop().run_in_executor(executor, render, *arguments)

    return run


async def produce_all(
    runtime: BillingRuntime,
    render_with: Renderer,
    *,
    workers: int = 1,
    where: DocumentFilter | None = None,
) -> int:
    """Make every file missing (of the documents ``where`` names), ``workers`` at a time;
    returns how many were made."""

    async def one_by_one() -> int:
        made = 0
        while True:
            async with runtime.transaction() as uow:
                done = await produce_documents(uow, render_with, limit=1, where=where)
            if not done:
                return made
            made += done

    counts = await asyncio.gather(*(one_by_one() for _ in range(max(1, workers))))
    return sum(counts)


async def documents_job(runtime: ServiceRuntime[Any, Any]) -> None:
    """The worker's job: make the files of the documents issued, every ``interval_s``."""
    settings = runtime.settings.documents
    pool: ProcessPoolExecutor | None = None
    if settings.processes > 0:
        pool = ProcessPoolExecutor(
            settings.processes, mp_context=multiprocessing.get_context("spawn")
        )
    render_with = renderer(pool)
    try:
        while True:
            try:
                made = await produce_all(runtime, render_with, workers=settings.processes)
                if made:
                    log.info("%d document file(s) made", made)
            except Exception:
                log.exception("making document files failed")
            await asyncio.sleep(settings.interval_s)
    finally:
        if pool is not None:
            with contextlib.suppress(Exception):
                pool.shutdown(wait=False, cancel_futures=True)


async def stored_file(runtime: BillingRuntime, document: DocumentRecord) -> StoredFile:
    """The document's stored file, made now (and stored) if it was not yet (F8: a document
    waiting for a Chorus Pro reference is a problem naming what to record)."""
    if document.file is not None and document.file.content:
        return document.file
    if document.file is None:
        if document.waits_for_references:
            raise waiting_problem(document)
        made = await renderer()(document)
        async with runtime.transaction() as uow:
            await uow.documents.store_file(document.document_id, made, uow.clock.now())
    async with runtime.uow() as uow:
        stored = await uow.documents.get_document(document.document_id)
    assert stored is not None
    assert stored.file is not None
    return stored.file
