"""The verdict line and the cluster's section of bench/results.md."""

import json

from bench.cluster import MARK_END, MARK_START, RESULTS_JSON, RESULTS_MD, say


def verdict_line(result: dict) -> str:
    load, rem, imp = result["load"], result["reminders"], result["import"]
    sent = load.get("requests", 0)
    errors = load.get("errors_5xx", "?")
    return (
        f"VERDICT: {sent} requests sent, {errors} 5xx seen by clients "
        f"({load.get('socket_errors', '?')} socket errors, p95 {load.get('p95_ms')} ms, "
        f"{load.get('throughput_rps')} req/s served; at the proxy: {load.get('proxy_5xx', {})}); "
        f"reminders {rem['due']} due / {rem['delivered']} delivered / {rem['lost']} lost / "
        f"{rem['doubled']} doubled ({rem['early']} early, by up to {rem['earliest_s']} s); "
        f"contacts {imp['imported']} imported of {imp['rows']} rows ({imp['processed']} rows "
        f"read, {imp['merged']} matched earlier rows as duplicates, {imp['errors']} errors, "
        f"{imp['status']}{', resumed by hand' if imp['resumed_by_hand'] else ''})"
    )


def steps_ratio(steps: dict) -> str:
    from bench.cluster.drill import best_rate

    two, one = best_rate(steps["two nodes"]), best_rate(steps["one node"])
    if two and one:
        return f"{two} / {one} req/s = {two / one:.2f}"
    if two:
        first = steps["one node"][0]
        return (
            f"two nodes kept p95 under 1 s up to {two} req/s served; one node passed 1 s "
            f"already at {first['rate_asked']} req/s (p95 {first['p95_ms']} ms)"
        )
    a, b = steps["two nodes"][0], steps["one node"][0]
    return (
        f"neither kept p95 under 1 s; served at {a['rate_asked']} req/s: "
        f"{a['throughput_rps']} / {b['throughput_rps']} req/s"
    )


def passed(result: dict) -> bool:
    load, rem, imp = result["load"], result["reminders"], result["import"]
    return (
        "error" not in load
        and load.get("errors_5xx") == 0
        and rem["lost"] == 0
        and rem["doubled"] == 0
        and imp["processed"] == imp["rows"]
        and imp["imported"] == imp["created"]
        and imp["created"] + imp["merged"] + imp["errors"] == imp["rows"]
    )


def write_results(run: dict | None) -> None:
    """Add ``run`` (None: only render again) to bench/cluster-results.json and results.md."""
    runs = json.loads(RESULTS_JSON.read_text()) if RESULTS_JSON.exists() else []
    if run is not None:
        runs.append(run)
    for earlier in runs:
        if earlier.get("steps"):
            earlier["steps_ratio"] = steps_ratio(earlier["steps"])
    RESULTS_JSON.write_text(json.dumps(runs, indent=2) + "\n")
    lines = [
        MARK_START,
        "## Multi-node cluster (`make cluster`)",
        "",
        "HAProxy in front of two web nodes (gunicorn, 2 workers each), two Celery workers, two "
        "beats, one PostgreSQL, one Redis, all on this machine's cores; node 2's clock 2 minutes "
        "ahead when libfaketime is installed. Every run is kept in `bench/cluster-results.json`. "
        "The machine's two cores are shared with other work (each run gives its load average): "
        "the latencies are the machine's; what the drill is about are the counts (5xx seen by "
        "clients, reminders lost or doubled, rows imported). The first two runs predate HAProxy "
        "marking a node down at its first refused connection: the second one's proxy log shows "
        "its 5xx were requests queued for the killed web node (503 SC) and one POST that was "
        "on it (502 SH).",
        "",
    ]
    for r in runs:
        lines += [
            f"### {r['date']}: {r['seconds']} s drill on {r['cores']} cores: "
            f"{'PASS' if r['passed'] else 'FAIL'}",
            "",
            "```",
            r["verdict"],
            "```",
            "",
            f"Two `migrate` at once: exit codes {r['deploy']['exit_codes']}, "
            f"{r['deploy']['waited']} waited. Clock skew on node 2: "
            f"{'yes (libfaketime, +2 min)' if r['skewed'] else 'no (libfaketime missing)'}. "
            f"Machine load average (1 min) at start and end: {r.get('load_average', '?')}.",
            "",
            "Timeline: " + "; ".join(r["events"]) + ".",
            "",
        ]
        if r.get("steps"):
            lines += [
                "Step test through the proxy, same run (p95 in ms; served req/s):",
                "",
                "| asked req/s | two nodes: p95 | served | one node: p95 | served |",
                "|---:|---:|---:|---:|---:|",
            ]
            two, one = r["steps"]["two nodes"], r["steps"]["one node"]
            for i in range(max(len(two), len(one))):
                a = two[i] if i < len(two) else {}
                b = one[i] if i < len(one) else {}
                rate = (a or b)["rate_asked"]
                lines.append(
                    f"| {rate} | {a.get('p95_ms', '')} | {a.get('throughput_rps', '')} | "
                    f"{b.get('p95_ms', '')} | {b.get('throughput_rps', '')} |"
                )
            ratio = r["steps_ratio"]
            lines += ["", f"Throughput ratio, two nodes to one (p95 under 1 s): {ratio}.", ""]
    lines.append(MARK_END)
    section = "\n".join(lines) + "\n"
    text = RESULTS_MD.read_text() if RESULTS_MD.exists() else "# Benchmark results\n"
    if MARK_START in text:
        before, rest = text.split(MARK_START, 1)
        text = before + section + rest.split(MARK_END, 1)[1].lstrip("\n")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    RESULTS_MD.write_text(text)
    say(f"added the run to {RESULTS_MD} and {RESULTS_JSON}")
