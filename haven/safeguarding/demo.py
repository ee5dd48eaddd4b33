"""Demo concerns at Riverside Primary and St Francis Family Centre. Fictional; times are
relative to now so the demo always looks current."""

from __future__ import annotations

from datetime import timedelta

from haven.accounts.models import Team
from haven.core import clock
from haven.safeguarding.models import ConcernCategory
from haven.safeguarding.services import ConcernData, concern_record
from haven.safeguarding.taxonomy import seed_safeguarding


def _category(org, name, sub=None):
    top = ConcernCategory.objects.for_org(org).get(name=name, parent__isnull=True)
    if sub is None:
        return top, None
    return top, ConcernCategory.objects.for_org(org).get(name=sub, parent=top)


def _record(actor, child, category, sub, *, hours_ago, teams=(), people=(), **fields):
    top, subcategory = _category(actor.organisation, category, sub)
    return concern_record(
        actor=actor,
        data=ConcernData(
            child=child,
            category=top,
            subcategory=subcategory,
            occurred_at=clock.now() - timedelta(hours=hours_ago),
            **fields,
        ),
        alert_teams=teams,
        alert_people=people,
    )


def load_riverside_concerns(*, staff: dict, children: dict) -> None:
    """A teacher's concerns (one about two children, with a body map mark), a learning
    mentor's, and an allegation restricted to the lead DSL."""
    teacher = staff["teacher@riverside.example"]
    org = teacher.organisation
    seed_safeguarding(org)
    pastoral = Team.objects.for_org(org).get(name="Pastoral team")
    _record(
        teacher,
        children["tyler"],
        "Wellbeing",
        "Emotional wellbeing",
        hours_ago=30,
        location="Year 3 classroom",
        account=(
            "At 09:10 Tyler sat at his table with his head on his arms and did not take his "
            "reading book out. When I knelt beside him he said he had not slept because of "
            "shouting downstairs."
        ),
        child_words="“Mum and Marcus were shouting all night. I stayed under my duvet.”",
        action_taken="Gave Tyler a quiet job in the book corner and told Dee Lawson at break.",
        teams=[pastoral],
    )
    _record(
        teacher,
        children["bugs"],
        "Child on child",
        "Physical",
        hours_ago=6,
        location="Playground, by the climbing frame",
        account=(
            "At 12:35 I saw Bugs push Babs off the bottom step of the climbing frame. Babs "
            "landed on her left side and cried. There was a red mark about 3 cm across on her "
            "left upper arm."
        ),
        child_words="Babs said: “He pushed me because I wouldn't give him a turn.”",
        others_present="Mrs Hughes (lunchtime supervisor) and four Year 3 children.",
        linked_children=[children["babs"]],
        body_map=[
            {
                "side": "front",
                "x": 27.0,
                "y": 26.0,
                "kind": "mark",
                "size": "3 cm",
                "note": "Red mark, left upper arm, after the fall",
            }
        ],
        action_taken=(
            "First aid given; I spoke with both children separately; parents told at pick-up."
        ),
    )
    _record(
        staff["keyperson@riverside.example"],
        children["arjun"],
        "Medical",
        "Accident or injury in the setting",
        hours_ago=50,
        location="Hall, PE lesson",
        account="Arjun tripped over a bench during PE and grazed his right knee.",
        status="nfa",
        action_taken="Cleaned and dressed by the first aider; note sent home.",
    )
    _record(
        staff["manager@riverside.example"],
        children["mason"],
        "Allegation about a member of staff",
        "Low-level concern",
        hours_ago=20,
        location="Corridor outside Year 5",
        account=(
            "Mason's mother told me at 15:20 that a member of staff had messaged Mason on a "
            "gaming platform in the evening. She showed me a screenshot."
        ),
        restricted=True,
    )


def load_st_francis_concerns(*, staff: dict, children: dict) -> None:
    """A nursery practitioner's concern and the DSL's note of a call with a health visitor."""
    practitioner = staff["staff@stfrancis.example"]
    org = practitioner.organisation
    seed_safeguarding(org)
    _record(
        practitioner,
        children["poppy"],
        "Neglect",
        "Hygiene and presentation",
        hours_ago=26,
        location="Nursery room",
        account=(
            "Poppy arrived at 08:45 in the same clothes as on Monday and Tuesday, with a wet "
            "nappy that had not been changed overnight. She ate two bowls of cereal at "
            "breakfast club."
        ),
        body_map=[
            {
                "side": "back",
                "x": 50.0,
                "y": 55.0,
                "kind": "other",
                "size": "5 cm",
                "note": "Sore nappy rash",
            }
        ],
        action_taken="Changed Poppy and applied cream with mum's agreement by phone.",
    )
    _record(
        staff["dsl@stfrancis.example"],
        children["leo"],
        "Contact with agencies",
        "Phone call",
        hours_ago=4,
        account=(
            "The health visitor rang to say Leo missed his two-year check. She will visit the "
            "family next week and let us know."
        ),
    )
