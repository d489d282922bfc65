"""The Dask cluster that batches and worlds run on: a local one sized to this machine, or an existing one."""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TextIO

__all__ = ["ClusterError", "open_client", "local_workers", "run_with_progress"]


class ClusterError(RuntimeError):
    """Dask is not installed, or the scheduler asked for cannot be reached."""


def _distributed() -> Any:
    try:
        import distributed
    except ImportError as err:   # the `cluster` extra is optional: plain export and render never need it
        raise ClusterError(f"dask.distributed is not installed ({err}); install scenegen[cluster]") from None
    return distributed


def _has_bokeh() -> bool:
    try:
        import bokeh  # noqa: F401
    except ImportError:
        return False
    return True


def local_workers() -> int:
    """Worker processes of the default local cluster: one per CPU core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:       # not Linux
        return max(1, os.cpu_count() or 1)


@contextlib.contextmanager
def open_client(scheduler: str | None = None, workers: int | None = None, *,
                stream: TextIO | None = None, quiet: bool = False) -> Iterator[Any]:
    """A `distributed.Client`: on the scheduler at `scheduler` (host:port, tcp://…), or on a LocalCluster
    of `workers` processes (default: one per core, one thread each: generation is numpy, rendering holds
    one GL context per process) started here and stopped on leaving. Says where the dashboard is, when
    there is one."""
    distributed = _distributed()
    out = stream or sys.stderr
    cluster = None
    try:
        if scheduler is not None:
            try:
                client = distributed.Client(scheduler, timeout="10s")
            except (OSError, TimeoutError) as err:
                raise ClusterError(f"cannot reach the scheduler at {scheduler} ({err})") from None
        else:
            import dask

            # Dask starts workers with MALLOC_TRIM_THRESHOLD_=65536, which freezes glibc's mmap threshold:
            # every large numpy temporary is then a fresh mmap and its page faults (a .glb export ran 3.7×
            # slower). Memory here is bounded by the task (a variant, a chunk), not by trimming.
            environ = dict(dask.config.get("distributed.nanny.pre-spawn-environ", {}))
            environ.pop("MALLOC_TRIM_THRESHOLD_", None)
            with dask.config.set({"distributed.nanny.pre-spawn-environ": environ}):
                # Any free port: two batches on one machine must not fight over the default 8787. The
                # cluster's own logs stay quiet (a worker may log a heartbeat traceback while the cluster
                # shuts down): what fails is reported by the command, one line per variant.
                cluster = distributed.LocalCluster(
                    n_workers=workers or local_workers(), threads_per_worker=1, processes=True,
                    dashboard_address="127.0.0.1:0", silence_logs=logging.CRITICAL, host="127.0.0.1")
            client = distributed.Client(cluster)
    except ClusterError:
        raise
    except Exception as err:     # a bad address, a port in use, …
        raise ClusterError(f"cannot start the Dask cluster ({type(err).__name__}: {err})") from None
    try:
        if not quiet:
            where = scheduler or f"a local cluster of {len(client.scheduler_info()['workers'])} workers"
            # Without bokeh the scheduler serves only a page asking for it: no dashboard to point at.
            services = client.scheduler_info().get("services", {})
            link = client.dashboard_link if "dashboard" in services and _has_bokeh() else None
            print(f"scenegen: running on {where}" + (f"; dashboard {link}" if link else ""), file=out)
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def run_with_progress(futures: Iterable[Any], progress: Callable[[float, str], None] | None,
                      label: str) -> Iterator[Any]:
    """Yield each future as it completes (done or failed), calling progress(fraction, label) as they do."""
    distributed = _distributed()
    futures = list(futures)
    total = max(len(futures), 1)
    if progress is not None:
        progress(0.0, label)
    for k, fut in enumerate(distributed.as_completed(futures), 1):
        if progress is not None:
            progress(k / total, f"{label} {k}/{len(futures)}")
        yield fut
