"""Property: whatever a spec folder holds, prm answers with a build or with coded
diagnostics — never an internal error (exit 2). Mutations of the example and the test
programs (tests/fuzzing.py) run validate + build in-process on a bounded budget; the
10,000-program run is benchmarks/bench_fuzz.py."""

from __future__ import annotations

import random
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzzing import mutate_structure, mutate_text, mutated_program, program_files, PROGRAMS, run_program


@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_a_mutated_program_is_built_or_rejected_never_a_crash(seed: int, tmp_path: Path) -> None:
    _, files = mutated_program(random.Random(seed))
    outcome = run_program(files, tmp_path / "work")
    assert outcome.kind in ("built", "rejected"), outcome.detail


@settings(max_examples=15, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(text=st.text(max_size=200), where=st.integers(min_value=0, max_value=10_000))
def test_arbitrary_text_spliced_into_the_example_never_crashes(text: str, where: int, tmp_path: Path) -> None:
    files = program_files(PROGRAMS[0])
    name = sorted(files)[where % len(files)]
    at = where % (len(files[name]) + 1)
    files[name] = files[name][:at] + text + files[name][at:]
    outcome = run_program(files, tmp_path / "work")
    assert outcome.kind in ("built", "rejected"), outcome.detail


def test_the_mutators_change_programs() -> None:
    # The property above is only as good as the mutations: they must actually change text.
    rnd = random.Random(0)
    text = program_files(PROGRAMS[0])["tiers.yml"]
    assert sum(mutate_structure(text, rnd) != text for _ in range(20)) >= 15
    assert sum(mutate_text(text, rnd) != text for _ in range(20)) >= 15
