"""The default concern taxonomy every organisation starts from, and how it is seeded.

Categories are data: administrators rename, add, retire and limit them (per team) on the
safeguarding administration pages. These defaults cover the areas a school or family centre
records against — attendance to wellbeing — in our own words.
"""

from __future__ import annotations

from django.db import transaction

# (category, description, [sub-categories])
DEFAULT_TAXONOMY: list[tuple[str, str, list[str]]] = [
    (
        "Attendance",
        "Work to respond to worries about a child's attendance or punctuality.",
        [
            "Monitoring and letters",
            "Meeting with family",
            "Support offered",
            "Legal action",
            "Punctuality",
            "Reduced timetable",
        ],
    ),
    (
        "Behaviour",
        "Incidents that may link to a safeguarding worry or build a bigger picture.",
        [
            "Physical aggression",
            "Verbal abuse",
            "Damage to property",
            "Leaving the room or site",
            "Discriminatory language",
            "Suspension",
        ],
    ),
    (
        "Bullying",
        "Reported or confirmed bullying, in person or online.",
        [
            "Reported, not yet confirmed",
            "Physical",
            "Verbal",
            "Online (cyberbullying)",
            "Racial or religious",
            "Related to SEND or disability",
            "Related to sexual orientation or gender identity",
        ],
    ),
    (
        "Child in need",
        "Work under a child in need plan.",
        ["Child in need plan", "Child in need meeting"],
    ),
    (
        "Child on child",
        "Abuse by one child of another, including sexual violence and harassment.",
        [
            "Physical",
            "Sexual violence or harassment",
            "Harmful sexual behaviour",
            "Sharing images",
            "Initiation or hazing",
        ],
    ),
    (
        "Child protection",
        "Child protection enquiries, conferences, plans and core groups.",
        [
            "Disclosure",
            "Unexplained or inconsistently explained injury",
            "Section 47 enquiry",
            "Child protection conference",
            "Child protection plan",
            "Core group meeting",
            "Private fostering",
            "Report to police",
        ],
    ),
    (
        "Communication with home",
        "Conversations with parents and carers, and what came of them.",
        [
            "Conversation at the door or gate",
            "Phone call",
            "Email or letter",
            "Meeting",
            "Home visit",
        ],
    ),
    (
        "Contact with agencies",
        "Conversations with other agencies about the child.",
        ["Phone call", "Email", "Meeting", "Visit to the setting"],
    ),
    (
        "DSL discussion and decision",
        "A safeguarding lead's discussion, supervision or decision about the child.",
        ["Discussion", "Decision and rationale"],
    ),
    (
        "Early help",
        "Early help assessments and team-around-the-family work.",
        ["Early help assessment", "Team around the family meeting", "Early intervention"],
    ),
    (
        "Friendships and social",
        "Friendship and relationship difficulties, in class or at play.",
        ["In class", "Break and lunchtime", "Out of school provision"],
    ),
    (
        "Home and family",
        "Changes at home that may affect the child.",
        [
            "General observation",
            "Separation or change in the household",
            "Bereavement",
            "Financial hardship",
            "Sibling concern",
            "Young carer",
        ],
    ),
    (
        "Medical",
        "Facts or worries about the child's health.",
        [
            "Accident or injury in the setting",
            "Health care plan",
            "Medication",
            "Hospital or specialist visit",
            "Unmet health needs (including dental)",
        ],
    ),
    (
        "Missing from education",
        "Children missing from education or going missing from the setting.",
        ["Missing from the setting", "Children missing education referral"],
    ),
    (
        "Neglect",
        "Signs that a child's basic needs are not being met.",
        ["Hygiene and presentation", "Hunger or food", "Supervision", "Clothing"],
    ),
    (
        "Online safety",
        "Harm or risk online.",
        ["Inappropriate content", "Contact from a stranger", "Social media", "Gaming"],
    ),
    (
        "Radicalisation and extremism",
        "Worries about extremist views and any Prevent referral.",
        ["Worry about views expressed", "Prevent referral"],
    ),
    (
        "SEND",
        "Identifying special educational needs and disabilities and the support given.",
        [
            "Observation",
            "Referral to an outside service",
            "Education, health and care plan",
            "One-to-one support",
            "Intervention",
            "Support plan review",
        ],
    ),
    (
        "Wellbeing",
        "A worry about the child's emotional wellbeing, from their words or actions.",
        [
            "Emotional wellbeing",
            "Self-harm",
            "Voice of the child",
            "Diet and eating",
            "General worry",
        ],
    ),
    (
        "Exploitation",
        "Criminal or sexual exploitation, county lines, trafficking.",
        ["Criminal exploitation", "Sexual exploitation", "Going missing from home"],
    ),
    (
        "Domestic abuse",
        "Domestic abuse at home, reported or witnessed.",
        ["Reported by the child", "Reported by a parent or carer", "Police notification"],
    ),
    (
        "Allegation about a member of staff",
        "An allegation or low-level concern about an adult who works with children. "
        "Seen only by the safeguarding team unless an administrator decides otherwise.",
        ["Allegation", "Low-level concern"],
    ),
]

# Categories only the safeguarding team may see by default (anyone may still record them).
VIEW_LIMITED_TO_SAFEGUARDING_TEAM = ("Allegation about a member of staff",)


def seed_safeguarding(organisation) -> int:
    """Give an organisation its safeguarding settings and, if it has no categories at all yet,
    the default taxonomy. Safe to run again: it never adds to a taxonomy already there."""
    from haven.safeguarding.models import (
        CategoryPermission,
        ConcernCategory,
        SafeguardingSettings,
    )

    with transaction.atomic():
        settings = SafeguardingSettings.objects.for_org(organisation).first()
        if settings is None:
            settings = SafeguardingSettings.objects.create(
                organisation=organisation,
                dsl_team_id=organisation.dsl_team_id,
                always_alert_dsl_team=organisation.always_alert_dsl_team,
            )
        if ConcernCategory.objects.for_org(organisation).exists():
            return 0
        tops = ConcernCategory.unscoped.bulk_create(
            ConcernCategory(
                organisation=organisation, name=name, description=description, position=i
            )
            for i, (name, description, _subs) in enumerate(DEFAULT_TAXONOMY)
        )
        subs = [
            ConcernCategory(organisation=organisation, parent=top, name=sub, position=j)
            for top, (_n, _d, names) in zip(tops, DEFAULT_TAXONOMY, strict=True)
            for j, sub in enumerate(names)
        ]
        ConcernCategory.unscoped.bulk_create(subs)
        if settings.dsl_team_id:
            CategoryPermission.unscoped.bulk_create(
                CategoryPermission(
                    organisation=organisation,
                    team_id=settings.dsl_team_id,
                    category=top,
                    can_add=False,
                    can_view=True,
                )
                for top in tops
                if top.name in VIEW_LIMITED_TO_SAFEGUARDING_TEAM
            )
    return len(tops) + len(subs)


def seed_all_organisations(**kwargs) -> None:
    """After migrating: organisations from before this release get the defaults too."""
    from haven.accounts.models import Organisation

    for organisation in Organisation.objects.all():
        seed_safeguarding(organisation)
