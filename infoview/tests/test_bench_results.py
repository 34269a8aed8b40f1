"""bench/results.md is written by three commands; each keeps the others' sections."""

from bench import exactly_once
from bench import run as bench_run

CLUSTER = "<!-- cluster:start -->\n## Multi-node cluster\n\n| a | b |\n<!-- cluster:end -->"
DRILLS = "<!-- drills:start -->\n## Exactly-once drills\n\n| drill | run |\n<!-- drills:end -->"


def _results() -> dict:
    return {
        "date": "2026-11-30",
        "machine": {"cores": 2, "platform": "Linux", "python": "3.12"},
        "seed_seconds": 0,
        "latency": {"floor": {"median_ms": 5, "p95_ms": 7, "ratio_to_floor": 1.0}},
    }


def test_a_bench_run_keeps_the_cluster_and_drills_sections(tmp_path, monkeypatch):
    monkeypatch.setattr(bench_run, "RESULTS", tmp_path)
    (tmp_path / "results.md").write_text(
        f"# Benchmark results\n\nold figures\n\n{CLUSTER}\n\nbetween\n\n{DRILLS}\n"
    )

    bench_run.write_results(_results())

    text = (tmp_path / "results.md").read_text()
    assert "old figures" not in text
    assert "| floor | 5 | 7 |" in text
    assert CLUSTER in text
    assert DRILLS in text


def test_a_bench_run_without_earlier_sections_writes_none(tmp_path, monkeypatch):
    monkeypatch.setattr(bench_run, "RESULTS", tmp_path)

    bench_run.write_results(_results())

    assert "<!--" not in (tmp_path / "results.md").read_text()


def test_the_drills_replace_their_own_section_and_leave_the_rest(tmp_path):
    path = tmp_path / "results.md"
    path.write_text(f"# Benchmark results\n\n{CLUSTER}\n\n{DRILLS}\n\nafter\n")
    new = DRILLS.replace("| drill | run |", "| worker SIGKILL | 1 |")

    exactly_once.write_section(new, path)
    exactly_once.write_section(new, path)

    text = path.read_text()
    assert text == f"# Benchmark results\n\n{CLUSTER}\n\n{new}\n\nafter\n"
