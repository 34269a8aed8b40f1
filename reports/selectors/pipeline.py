"""The pipeline reports of team workspaces. Every figure is aggregated by PostgreSQL."""

from django.db import connection
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User, Workspace
from contacts.models import Contact
from interviews.models import Assessment, Interview
from reports.selectors.base import (
    NONE,
    Chart,
    Period,
    Report,
    Table,
    bucket_labels,
    hours,
    percent,
    percent_value,
    user_label,
)

TRUNC = {"week": TruncWeek, "month": TruncMonth}
# The usual path through the pipeline; "not a fit" leaves it and has no conversion.
PIPELINE = [
    Contact.Stage.NEW,
    Contact.Stage.ENGAGED,
    Contact.Stage.PROMISING,
    Contact.Stage.NURTURING,
    Contact.Stage.REFERRED,
    Contact.Stage.APPLIED,
    Contact.Stage.HIRED,
]


# Counted per recruiter and local week or month first, then named: the join and the sort run on
# the few aggregated rows, not on every conversation.
CONVERSATIONS_SQL = """
SELECT c.bucket, c.owner_id, u.name, u.email, c.n
FROM (
    SELECT date_trunc(%(unit)s, i.starts_at AT TIME ZONE %(tz)s) AS bucket, i.owner_id,
           count(*) AS n
    FROM interviews_interview i
    WHERE i.workspace_id = %(ws)s AND i.status = %(status)s
      AND i.starts_at >= %(start)s AND i.starts_at < %(end)s
      AND (%(owner)s::integer IS NULL OR i.owner_id = %(owner)s::integer)
    GROUP BY 1, 2
) c
LEFT JOIN accounts_user u ON u.id = c.owner_id
ORDER BY u.name, c.owner_id, c.bucket
"""


def _params(workspace: Workspace, period: Period, recruiter: User | None, **extra) -> dict:
    """The parameters every report's SQL takes: the workspace, the period's bounds and the
    recruiter (None: everyone), with the report's own."""
    return {
        "ws": workspace.pk,
        "start": period.start_at,
        "end": period.end_at,
        "owner": recruiter.pk if recruiter is not None else None,
        **extra,
    }


def _dicts(cursor) -> list[dict]:
    """The rows of the last statement, each a dict by column name."""
    names = [column.name for column in cursor.description]
    return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


def conversations_report(
    *, workspace: Workspace, period: Period, recruiter: User | None, group: str = "week"
) -> Report:
    """Completed conversations per recruiter per local week or month."""
    params = _params(
        workspace,
        period,
        recruiter,
        unit=group,
        tz=period.tz.key,
        status=Interview.Status.COMPLETED,
    )
    with connection.cursor() as cursor:
        cursor.execute(CONVERSATIONS_SQL, params)
        counts = cursor.fetchall()
    cells, people = {}, {}
    for bucket, owner_id, name, email, n in counts:  # one row per recruiter and period
        people.setdefault(owner_id, user_label(name, email))
        cells[(bucket.date(), owner_id)] = n
    if recruiter is not None:
        people.setdefault(recruiter.pk, user_label(recruiter.name, recruiter.email))
    buckets = period.buckets(group)
    labels = bucket_labels(buckets, group)
    rows = []
    for day, day_label in zip(buckets, labels, strict=True):
        values = [cells.get((day, pk), 0) for pk in people]
        rows.append([day_label, *map(str, values), str(sum(values))])
    total = [sum(cells.get((d, pk), 0) for d in buckets) for pk in people]
    rows.append([_("Total"), *map(str, total), str(sum(total))])
    label = _("Week starting") if group == "week" else _("Month")
    table = Table(
        key="conversations",
        title=_("Conversations per recruiter"),
        columns=[label, *people.values(), _("All")],
        rows=rows,
    )
    chart = Chart(
        kind="stacked_bar",
        title=_("Completed conversations per %(unit)s")
        % {"unit": _("week") if group == "week" else _("month")},
        x_labels=labels,
        series=[(name, [cells.get((d, pk), 0) for d in buckets]) for pk, name in people.items()],
    )
    return Report("conversations", _("Conversations"), [table], chart)


# One pass for both columns: the contacts of each stage now, and the people who reached each
# stage in the period. A contact added during the period entered the pipeline then, whatever
# its first stage; its "→ New" change is the same entry, counted once.
STAGES_SQL = """
SELECT 'now' AS figure, c.stage, count(*)
FROM contacts_contact c
WHERE c.workspace_id = %%(ws)s AND c.archived_at IS NULL AND c.stage <> ''
  AND (%%(owner)s::integer IS NULL OR c.owner_id = %%(owner)s::integer)
GROUP BY c.stage
UNION ALL
SELECT 'reached', entry.stage, count(DISTINCT entry.contact_id)
FROM (
    SELECT s.to_stage AS stage, s.contact_id
    FROM contacts_stagechange s %(by)s
    WHERE s.workspace_id = %%(ws)s AND s.changed_at >= %%(start)s AND s.changed_at < %%(end)s
  UNION ALL
    SELECT %%(new)s, c.id
    FROM contacts_contact c
    WHERE c.workspace_id = %%(ws)s AND c.created_at >= %%(start)s AND c.created_at < %%(end)s
      AND c.stage <> '' AND (%%(owner)s::integer IS NULL OR c.owner_id = %%(owner)s::integer)
) entry
GROUP BY entry.stage
"""
# A recruiter's figures: the changes of the people they own now.
STAGES_BY_OWNER = (
    "JOIN contacts_contact owned ON owned.id = s.contact_id AND owned.owner_id = %(owner)s"
)


def stages_report(*, workspace: Workspace, period: Period, recruiter: User | None) -> Report:
    """Contacts by stage now, how many reached each stage in the period, and the conversion."""
    params = _params(workspace, period, recruiter, new=Contact.Stage.NEW)
    now, reached = {}, {}
    with connection.cursor() as cursor:
        cursor.execute(STAGES_SQL % {"by": STAGES_BY_OWNER if recruiter else ""}, params)
        for figure, stage, n in cursor.fetchall():
            (now if figure == "now" else reached)[stage] = n
    rows, conversions = [], []
    previous = None
    for stage in [*PIPELINE, Contact.Stage.NOT_A_FIT]:
        count = reached.get(stage, 0)
        if previous is None or stage == Contact.Stage.NOT_A_FIT:
            conversion, value = NONE, None
        else:
            conversion = percent(count, reached.get(previous, 0))
            value = percent_value(count, reached.get(previous, 0))
        rows.append([str(stage.label), str(now.get(stage, 0)), str(count), conversion])
        conversions.append(value)
        previous = stage
    table = Table(
        key="stages",
        title=_("Contacts by stage"),
        columns=[
            _("Stage"),
            _("Contacts now"),
            _("Reached in period"),
            _("Conversion from previous stage"),
        ],
        rows=rows,
    )
    chart = Chart(
        kind="bar",
        title=_("Contacts by stage"),
        x_labels=[row[0] for row in rows],
        series=[
            (_("Contacts now"), [int(row[1]) for row in rows]),
            (_("Reached in period"), [int(row[2]) for row in rows]),
        ],
    )
    return Report("stages", _("Stages and conversion"), [table], chart)


# Counted per recruiter first, then named (as CONVERSATIONS_SQL): the join runs on the few
# aggregated rows.
DISCIPLINE_SQL = """
SELECT figures.*, u.name, u.email
FROM (
    SELECT f.owner_id, GROUPING(f.owner_id) AS everyone,
           count(*) AS total,
           count(*) FILTER (WHERE d.done) AS done,
           count(*) FILTER (WHERE d.done AND d.delay <= interval '24 hours') AS in24,
           count(*) FILTER (WHERE d.done AND d.delay <= interval '48 hours') AS in48,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM d.delay))
               FILTER (WHERE d.done) AS median
    FROM followups_followup f
    LEFT JOIN interviews_interview i ON i.id = f.interview_id
    CROSS JOIN LATERAL (SELECT COALESCE(i.completed_at, f.created_at) AS reference) r
    CROSS JOIN LATERAL (
        SELECT f.done_at - r.reference AS delay,
               (f.status = 'done' AND f.done_at IS NOT NULL) AS done
    ) d
    WHERE f.workspace_id = %(ws)s AND f.kind = 'thank_you'
      AND r.reference >= %(start)s AND r.reference < %(end)s
      AND (%(owner)s::integer IS NULL OR f.owner_id = %(owner)s::integer)
    GROUP BY ROLLUP (f.owner_id)
) figures
LEFT JOIN accounts_user u ON u.id = figures.owner_id
"""


def discipline_report(*, workspace: Workspace, period: Period, recruiter: User | None) -> Report:
    """Thank-yous done within 24 h and 48 h of the conversation, and the median delay.

    The delay runs from the end of the conversation (or the thank-you's opening, if it has no
    interview) to when it was done. One pass: ROLLUP adds the "All" row, whose median cannot be
    made from the recruiters' medians.
    """
    params = _params(workspace, period, recruiter)
    with connection.cursor() as cursor:
        cursor.execute(DISCIPLINE_SQL, params)
        figures = _dicts(cursor)
    everyone = next(
        (f for f in figures if f["everyone"]),
        {"total": 0, "done": 0, "in24": 0, "in48": 0, "median": None},
    )
    owners = [f for f in figures if not f["everyone"]]
    for f in owners:
        f["label"] = user_label(f["name"], f["email"])
    people = sorted(owners, key=lambda f: (f["label"], f["owner_id"] or 0))

    def row(label, f):
        return [
            label,
            str(f["total"]),
            str(f["done"]),
            percent(f["in24"], f["total"]),
            percent(f["in48"], f["total"]),
            hours(f["median"]),
        ]

    rows = [row(f["label"], f) for f in people]
    rows.append(row(_("All"), everyone))
    table = Table(
        key="discipline",
        title=_("Thank-you discipline"),
        columns=[
            _("Recruiter"),
            _("Thank-yous"),
            _("Done"),
            _("Within 24 h"),
            _("Within 48 h"),
            _("Median delay (hours)"),
        ],
        rows=rows,
    )
    chart = Chart(
        kind="bar",
        title=_("Share of thank-yous sent in time"),
        x_labels=[r[0] for r in rows],
        series=[
            (_("Within 24 h"), [percent_value(f["in24"], f["total"]) for f in [*people, everyone]]),
            (_("Within 48 h"), [percent_value(f["in48"], f["total"]) for f in [*people, everyone]]),
        ],
    )
    return Report("discipline", _("Follow-up discipline"), [table], chart)


CHAINS_SQL = """
WITH RECURSIVE up(id, introduced_by_id, depth, path) AS (
    SELECT id, introduced_by_id, 1, ARRAY[id] FROM contacts_contact
    WHERE workspace_id = %(ws)s AND introduced_by_id IS NOT NULL
      AND created_at >= %(start)s AND created_at < %(end)s
  UNION ALL
    SELECT c.id, c.introduced_by_id, up.depth + 1, c.id || up.path
    FROM contacts_contact c JOIN up ON c.id = up.introduced_by_id
    WHERE c.workspace_id = %(ws)s AND NOT c.id = ANY(up.path) AND up.depth < 100
)
SELECT top.path,
       ARRAY(SELECT c.first_name FROM unnest(top.path) WITH ORDINALITY AS p(id, n)
             LEFT JOIN contacts_contact c ON c.id = p.id AND c.workspace_id = %(ws)s
             ORDER BY p.n),
       ARRAY(SELECT c.last_name FROM unnest(top.path) WITH ORDINALITY AS p(id, n)
             LEFT JOIN contacts_contact c ON c.id = p.id AND c.workspace_id = %(ws)s
             ORDER BY p.n)
FROM (
    SELECT id, depth, path FROM (
        SELECT DISTINCT ON (id) id, depth, path FROM up
        WHERE introduced_by_id IS NULL
        ORDER BY id, depth DESC, path
    ) longest
    ORDER BY depth DESC, id
    LIMIT 5
) top
ORDER BY top.depth DESC, top.id
"""


def _longest_chains(workspace: Workspace, period: Period) -> list[list[str]]:
    """The five longest chains, each person named (first and last names read with the paths,
    in the same statement)."""
    with connection.cursor() as cursor:
        cursor.execute(
            CHAINS_SQL, {"ws": workspace.pk, "start": period.start_at, "end": period.end_at}
        )
        chains = cursor.fetchall()
    return [
        [
            str(len(path)),
            " → ".join(
                "?" if first is None else f"{first} {last}".strip()
                for first, last in zip(firsts, lasts, strict=True)
            ),
        ]
        for path, firsts, lasts in chains
    ]


# The contacts added in the period, by source: the columns of reports_contact_created_idx.
SOURCES_SQL = """
SELECT c.source, count(*) AS n,
       count(*) FILTER (WHERE c.introduced_by_id IS NOT NULL) AS introduced,
       count(*) FILTER (WHERE c.stage = %(hired)s) AS hired
FROM contacts_contact c
WHERE c.workspace_id = %(ws)s AND c.created_at >= %(start)s AND c.created_at < %(end)s
  AND (%(owner)s::integer IS NULL OR c.owner_id = %(owner)s::integer)
GROUP BY c.source
ORDER BY n DESC, c.source
"""


def sources_report(*, workspace: Workspace, period: Period, recruiter: User | None) -> Report:
    """Where contacts added in the period came from, and which sources lead to hires."""
    params = _params(workspace, period, recruiter, hired=Contact.Stage.HIRED)
    with connection.cursor() as cursor:
        cursor.execute(SOURCES_SQL, params)
        figures = _dicts(cursor)
    labels = dict(Contact.Source.choices)
    rows = [
        [
            str(labels.get(f["source"], _("Not recorded"))),
            str(f["n"]),
            str(f["introduced"]),
            str(f["hired"]),
            percent(f["hired"], f["n"]),
        ]
        for f in figures
    ]
    # Every contact is in one source's row: the totals are their sums, not another pass.
    totals = {name: sum(f[name] for f in figures) for name in ("n", "introduced", "hired")}
    rows.append(
        [
            _("All"),
            str(totals["n"]),
            str(totals["introduced"]),
            str(totals["hired"]),
            percent(totals["hired"], totals["n"]),
        ]
    )
    table = Table(
        key="sources",
        title=_("Sources"),
        columns=[
            _("Source"),
            _("Contacts"),
            _("Introduced by a contact"),
            _("Hired"),
            _("Hire rate"),
        ],
        rows=rows,
    )
    chains = Table(
        key="chains",
        title=_("Longest referral chains"),
        caption=_("Chains whose last person was added in the period, longest first."),
        columns=[_("People"), _("Chain")],
        rows=_longest_chains(workspace, period),
    )
    chart = Chart(
        kind="bar",
        title=_("Contacts and hires by source"),
        x_labels=[r[0] for r in rows[:-1]],
        series=[
            (_("Contacts"), [int(r[1]) for r in rows[:-1]]),
            (_("Hired"), [int(r[3]) for r in rows[:-1]]),
        ],
    )
    summary = [
        ngettext(
            "%(n)s of %(total)s contact came through a referral.",
            "%(n)s of %(total)s contacts came through a referral.",
            totals["n"],
        )
        % {"n": totals["introduced"], "total": totals["n"]}
    ]
    return Report("sources", _("Sources and referrals"), [table, chains], chart, summary)


SCORES = [
    ("passion", Assessment._meta.get_field("passion").verbose_name),
    ("motivation", Assessment._meta.get_field("motivation").verbose_name),
    ("cultural_fit", Assessment._meta.get_field("cultural_fit").verbose_name),
]


# The interview's own workspace too: its (workspace, starts_at) index finds the period. Fifteen
# counts in one pass, written once here (the ORM compiled their fifteen filters on every request,
# a third of the page's CPU).
SCORE_COUNTS = ", ".join(
    f"count(*) FILTER (WHERE a.{name} = {score}) AS {name}_{score}"
    for name, _label in SCORES
    for score in range(1, 6)
)
SCORES_SQL = f"""
SELECT {SCORE_COUNTS}
FROM interviews_assessment a
JOIN interviews_interview i ON i.id = a.interview_id
WHERE a.workspace_id = %(ws)s AND i.workspace_id = %(ws)s
  AND i.starts_at >= %(start)s AND i.starts_at < %(end)s
  AND (%(owner)s::integer IS NULL OR i.owner_id = %(owner)s::integer)
"""  # noqa: S608 - the column names are the constants of SCORES


def scores_report(*, workspace: Workspace, period: Period, recruiter: User | None) -> Report:
    """How many assessments gave each score, for conversations held in the period."""
    params = _params(workspace, period, recruiter)
    with connection.cursor() as cursor:
        cursor.execute(SCORES_SQL, params)
        (counts,) = _dicts(cursor)
    rows = [
        [str(score), *(str(counts[f"{name}_{score}"]) for name, _label in SCORES)]
        for score in range(1, 6)
    ]
    table = Table(
        key="scores",
        title=_("Assessment scores"),
        columns=[_("Score"), *(str(label).capitalize() for _name, label in SCORES)],
        rows=rows,
    )
    chart = Chart(
        kind="bar",
        title=_("Distribution of assessment scores"),
        x_labels=[str(s) for s in range(1, 6)],
        series=[
            (str(label).capitalize(), [counts[f"{name}_{s}"] for s in range(1, 6)])
            for name, label in SCORES
        ],
    )
    return Report("scores", _("Assessment scores"), [table], chart)
