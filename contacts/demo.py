"""Demo people for ``manage.py seed_demo``: idempotent, matched by email on every run."""

from datetime import timedelta

from django.utils import timezone

from contacts import services
from contacts.models import Contact
from contacts.signals import interaction_happened

# (first, last, email, title, company, industry, source, tags, introduced by (email), days ago)
CANDIDATE_NETWORK = [
    (
        "Hannah",
        "Price",
        "hannah.price@demo-fintech.test",
        "Head of Data",
        "Ledgerline",
        "Financial services",
        "event",
        ["data", "mentor"],
        None,
        12,
    ),
    (
        "Tom",
        "Ellis",
        "tom.ellis@demo-fintech.test",
        "Data engineer",
        "Ledgerline",
        "Financial services",
        "",
        ["data"],
        "hannah.price@demo-fintech.test",
        40,
    ),
    (
        "Aisha",
        "Khan",
        "aisha.khan@demo-health.test",
        "UX researcher",
        "Clearwater Health",
        "Healthcare",
        "alumni",
        ["design"],
        None,
        95,
    ),
    (
        "Oliver",
        "Grant",
        "oliver.grant@demo-health.test",
        "Product manager",
        "Clearwater Health",
        "Healthcare",
        "",
        ["product"],
        "aisha.khan@demo-health.test",
        None,
    ),
    (
        "Chloe",
        "Martin",
        "chloe.martin@demo-energy.test",
        "Sustainability lead",
        "Greenfield Energy",
        "Energy",
        "linkedin",
        ["climate"],
        None,
        200,
    ),
]
TEAM_PIPELINE = [
    (
        "Daniel",
        "Okoro",
        "daniel.okoro@demo-cands.test",
        "Senior backend engineer",
        "Parcelly",
        "Logistics",
        "referral",
        ["python", "backend"],
        None,
        5,
        "promising",
    ),
    (
        "Sofia",
        "Rossi",
        "sofia.rossi@demo-cands.test",
        "Data scientist",
        "Parcelly",
        "Logistics",
        "",
        ["python", "ml"],
        "daniel.okoro@demo-cands.test",
        20,
        "engaged",
    ),
    (
        "Ravi",
        "Patel",
        "ravi.patel@demo-cands.test",
        "Engineering manager",
        "Brightside Bank",
        "Financial services",
        "event",
        ["leadership"],
        None,
        60,
        "nurturing",
    ),
    (
        "Emma",
        "Walsh",
        "emma.walsh@demo-cands.test",
        "Frontend developer",
        "Brightside Bank",
        "Financial services",
        "job_board",
        ["frontend"],
        None,
        130,
        "new",
    ),
    (
        "Lucas",
        "Brown",
        "lucas.brown@demo-cands.test",
        "Site reliability engineer",
        "Northwind",
        "Software",
        "",
        ["sre"],
        "sofia.rossi@demo-cands.test",
        None,
        "referred",
    ),
    (
        "Mia",
        "Nguyen",
        "mia.nguyen@demo-cands.test",
        "Product designer",
        "Studio Nine",
        "Design",
        "cold_outreach",
        ["design"],
        None,
        300,
        "not_a_fit",
    ),
]


def _person(workspace, owner, row, stage=""):
    first, last, email, title, company, industry, source, tags, introducer, days = row
    existing = Contact.objects.filter(workspace=workspace, emails__contains=[email]).first()
    if existing is not None:
        return existing
    company_obj = services.company_for_name(workspace=workspace, name=company)
    if company_obj and not company_obj.industry:
        company_obj.industry = industry
        company_obj.save(update_fields=["industry"])
    introduced_by = None
    if introducer:
        introduced_by = Contact.objects.filter(
            workspace=workspace, emails__contains=[introducer]
        ).first()
    fields = {"source": source} if source else {}
    if stage:
        fields["stage"] = stage
    contact = services.contact_create(
        workspace=workspace,
        owner=owner,
        first_name=first,
        last_name=last,
        emails=[email],
        title=title,
        company=company_obj,
        introduced_by=introduced_by,
        tags=services.tags_for_names(workspace=workspace, names=tags),
        **fields,
    )
    if days is not None:
        interaction_happened.send(
            sender=Contact, contact=contact, at=timezone.now() - timedelta(days=days)
        )
    return contact


def seed(*, demo) -> None:
    for row in CANDIDATE_NETWORK:
        _person(demo.personal, demo.candidate, row)
    owners = [demo.admin, *demo.recruiters]
    for index, (*row, stage) in enumerate(TEAM_PIPELINE):
        _person(demo.team, owners[index % len(owners)], row, stage)
