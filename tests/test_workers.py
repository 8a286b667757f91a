"""Work shared among forked processes (generator/workers.py): the results of one process, in
order, whatever the number of processes, and a failure in a worker is the caller's."""

from __future__ import annotations

import os

import pytest

from generator import workers


def _doubled(run):
    return [(os.getpid(), x * 2) for x in run]


@pytest.mark.parametrize("count", ["1", "2", "3"])
def test_runs_give_one_process_results_in_order(monkeypatch, count):
    monkeypatch.setenv("PARALLAX_WORKERS", count)
    monkeypatch.setattr(workers, "RUNS_PER_WORKER", 2)
    out = list(workers.runs(_doubled, list(range(103)), 5, at_least=10))
    assert [len(run) for run in out] == [5] * 20 + [3]
    assert [x for run in out for _, x in run] == [2 * x for x in range(103)]
    pids = {pid for run in out for pid, _ in run}
    if count == "1":
        assert pids == {os.getpid()}
    else:  # each worker is replaced after two runs
        assert os.getpid() not in pids and len(pids) > 2
    # Fewer elements than asked for: here.
    assert {pid for run in workers.runs(_doubled, [1, 2], 1, at_least=10)
            for pid, _ in run} == {os.getpid()}


@pytest.mark.parametrize("count", ["1", "2", "3"])
def test_helpers_give_one_process_results_in_order(monkeypatch, count):
    monkeypatch.setenv("PARALLAX_WORKERS", count)
    factor = 3  # not sent: the helpers are forked with the function

    def tripled(x):
        return os.getpid(), x * factor

    sent = []

    def arguments():  # consumed as the results are asked for, a few batches ahead
        for x in range(500):
            sent.append(x)
            yield x

    with workers.Helpers(tripled) as helpers:
        assert bool(helpers) == (count != "1")
        out = []
        for result in (helpers.ordered(arguments()) if helpers else map(tripled, arguments())):
            out.append(result)
            if len(out) == 1 and helpers:
                assert len(sent) <= workers.BATCH * (workers.AHEAD + 2)
    assert [x for _, x in out] == [3 * x for x in range(500)]
    pids = {pid for pid, _ in out}
    if count == "1":
        assert pids == {os.getpid()}
    else:  # in the helpers (count - 1 of them), not here
        assert os.getpid() not in pids and 1 <= len(pids) <= int(count) - 1


def test_a_failure_in_a_helper_is_raised_in_the_caller(monkeypatch):
    monkeypatch.setenv("PARALLAX_WORKERS", "2")

    def fails_on_seven(x):
        if x == 7:
            raise ValueError("seven")
        return x

    with workers.Helpers(fails_on_seven) as helpers:
        assert helpers
        got = []
        with pytest.raises(ValueError, match="seven"):
            for x in helpers.ordered(iter(range(100))):
                got.append(x)
        assert got == []  # (7 is in the first batch: nothing after it is given)
