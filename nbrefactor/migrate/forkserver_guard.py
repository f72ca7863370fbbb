"""Imported first by the batch's forkserver (its preload list), and only there: the forkserver is
killed when the run's process dies, even by SIGKILL, and its workers (which die with the
forkserver, see `batch._init_worker`) go with it. Without this, the workers hold the forkserver's
"alive" pipe open, so neither notices that the run is gone and both compute on for minutes."""

from nbrefactor.audit.guards import die_with_parent

die_with_parent()
