"""The example frameworks every organisation starts with, written in our own words.

Their shape follows published local guidance — a four-tier needs matrix, a three-level
continuum of need with domains, and a family centre's High/Low case thresholds — but every
description and indicator here is our own. Administrators copy and adapt them.
"""

from __future__ import annotations


def _ind(domain: str, level: str, *texts: str, escalate: bool = False) -> list[dict]:
    return [
        {"domain": domain, "level": level, "text": text, "always_escalate": escalate}
        for text in texts
    ]


FOUR_TIER = {
    "name": "Four-tier needs matrix",
    "description": (
        "Four tiers of need, from children whose needs are met by everyday services to "
        "children at risk of significant harm. Indicators are examples, not a checklist: "
        "several lower-tier needs together can point to the tier above."
    ),
    "cluster_domains": 3,
    "levels": [
        {
            "key": "universal",
            "name": "Universal",
            "description": "No additional needs: everyday services such as school and the GP "
            "meet the child's needs.",
            "colour": "#2e7d32",
            "response": "Carry on with everyday support. Keep an eye on things and record "
            "anything new.",
            "case_threshold": "",
            "rag_rating": "",
            "early_help": False,
            "concern_outcome": "monitor",
        },
        {
            "key": "early-help",
            "name": "Early help",
            "description": "Additional needs that one service alone cannot meet; early signs "
            "that things may be going wrong.",
            "colour": "#1565c0",
            "response": "Talk to the family about an early help assessment. If more than one "
            "service is involved, agree a lead professional who brings a team around the "
            "family together to plan support.",
            "case_threshold": "Low",
            "rag_rating": "green",
            "early_help": True,
            "concern_outcome": "early_help",
        },
        {
            "key": "child-in-need",
            "name": "Child in need",
            "description": "Complex or several needs calling for a coordinated response led by "
            "children's social care (section 17).",
            "colour": "#ef6c00",
            "response": "With the family's agreement, refer to children's social care for a "
            "child and family assessment. A social worker leads a child in need plan.",
            "case_threshold": "High",
            "rag_rating": "amber_cin",
            "early_help": False,
            "concern_outcome": "front_door",
        },
        {
            "key": "child-protection",
            "name": "Child protection",
            "description": "The child is suffering, or is likely to suffer, significant harm.",
            "colour": "#c62828",
            "response": "Refer to children's social care straight away (telephone if urgent, "
            "then in writing). Consent is not needed where asking would put the child at "
            "risk. Call 999 if the child is in immediate danger.",
            "case_threshold": "High",
            "rag_rating": "red",
            "early_help": False,
            "concern_outcome": "front_door",
        },
    ],
    "domains": [
        {
            "key": "development",
            "name": "The child's development",
            "description": "Health, learning, emotional wellbeing, behaviour and friendships.",
        },
        {
            "key": "parenting",
            "name": "Parenting capacity",
            "description": "Basic care, safety, warmth, guidance and stability at home.",
        },
        {
            "key": "family",
            "name": "Family and environment",
            "description": "Housing, money, the adults around the child and the wider family.",
        },
        {
            "key": "outside-home",
            "name": "Harm outside the home",
            "description": "Exploitation, going missing, risky relationships and places.",
        },
    ],
    "indicators": [
        *_ind(
            "development",
            "universal",
            "Healthy and reaching the expected milestones for their age",
            "Attends school regularly and is making progress",
        ),
        *_ind(
            "development",
            "early-help",
            "Attendance is slipping, or the child is often late",
            "Early signs of a delay in speech, learning or development",
            "Low mood, worries or withdrawal noticed by staff",
        ),
        *_ind(
            "development",
            "child-in-need",
            "Health or development is being held back by the care the child receives",
            "Serious emotional or behavioural difficulties needing specialist help",
        ),
        *_ind(
            "development",
            "child-protection",
            "Injuries or marks with no credible explanation",
            "Self-harm or thoughts of suicide that put the child's life at risk",
        ),
        *_ind(
            "development",
            "child-protection",
            "The child tells someone they have been sexually harmed",
            escalate=True,
        ),
        *_ind(
            "parenting",
            "universal",
            "Parents meet the child's everyday needs and keep them safe",
        ),
        *_ind(
            "parenting",
            "early-help",
            "Hygiene, clothing or meals are sometimes not good enough",
            "Parents find routines and boundaries hard to keep",
            "Missed health or dental appointments",
        ),
        *_ind(
            "parenting",
            "child-in-need",
            "Parenting is persistently affected by a parent's mental health, drug or "
            "alcohol use, or learning needs",
            "Repeated failure to seek medical care the child needs",
        ),
        *_ind(
            "parenting",
            "child-protection",
            "Neglect that is causing the child harm",
            "A parent is violent towards the child or threatens to be",
        ),
        *_ind(
            "family",
            "universal",
            "Settled home and support from family and friends",
        ),
        *_ind(
            "family",
            "early-help",
            "Money worries, debt or the risk of losing the home",
            "Arguments between adults at home that the child is aware of",
            "The child looks after a parent or sibling (a young carer)",
        ),
        *_ind(
            "family",
            "child-in-need",
            "Domestic abuse at home that affects the child",
            "Homeless, or living somewhere unsafe or very overcrowded",
        ),
        *_ind(
            "family",
            "child-protection",
            "Serious domestic abuse with the child present or involved",
            "An adult who poses a risk to children lives with or visits the child",
        ),
        *_ind(
            "outside-home",
            "early-help",
            "Spending time with older people or groups who worry staff",
            "Low-level anti-social behaviour",
        ),
        *_ind(
            "outside-home",
            "child-in-need",
            "Goes missing from home or school from time to time",
            "Signs of being drawn into crime or extremist views",
        ),
        *_ind(
            "outside-home",
            "child-protection",
            "Evidence of sexual or criminal exploitation",
        ),
        *_ind(
            "outside-home",
            "child-protection",
            "A child under 11 is missing",
            escalate=True,
        ),
    ],
}

CONTINUUM = {
    "name": "Continuum of need (three levels)",
    "description": (
        "Universal, early help and safeguarding, with indicators grouped by the child's "
        "developmental needs, parenting, the family and environment, and harm outside the "
        "home. Safeguarding covers both a child in need and child protection."
    ),
    "cluster_domains": 3,
    "levels": [
        {
            "key": "universal",
            "name": "Universal",
            "description": "The child is doing well with the services every family can use.",
            "colour": "#2e7d32",
            "response": "No extra support needed. Community services, school and health "
            "visitors carry on as usual.",
            "case_threshold": "",
            "rag_rating": "",
            "early_help": False,
            "concern_outcome": "monitor",
        },
        {
            "key": "early-help",
            "name": "Early help",
            "description": "The family needs targeted support that universal services alone "
            "cannot give.",
            "colour": "#1565c0",
            "response": "Complete an early help assessment and a child and family plan with "
            "the family. A team around the family coordinates support to stop needs growing.",
            "case_threshold": "Low",
            "rag_rating": "green",
            "early_help": True,
            "concern_outcome": "early_help",
        },
        {
            "key": "safeguarding",
            "name": "Safeguarding",
            "description": "Complex needs, or the child is suffering or likely to suffer "
            "significant harm: a statutory, multi-agency response.",
            "colour": "#c62828",
            "response": "Contact children's services. For a child in need, ask for the "
            "family's consent first; for child protection, consent is not needed. Call 999 "
            "if the danger is immediate.",
            "case_threshold": "High",
            "rag_rating": "red",
            "early_help": False,
            "concern_outcome": "front_door",
        },
    ],
    "domains": [
        {"key": "health", "name": "Health", "description": "Physical and mental health."},
        {"key": "learning", "name": "Learning", "description": "Education and attendance."},
        {
            "key": "wellbeing",
            "name": "Emotional wellbeing and behaviour",
            "description": "",
        },
        {"key": "parenting", "name": "Parenting capacity", "description": ""},
        {"key": "family", "name": "Family and environmental factors", "description": ""},
        {"key": "outside-home", "name": "Harm outside the home", "description": ""},
    ],
    "indicators": [
        *_ind("health", "universal", "Growing and developing as expected"),
        *_ind(
            "health",
            "early-help",
            "Health needs are not always met",
            "Developmental checks missed or milestones late",
        ),
        *_ind(
            "health",
            "safeguarding",
            "Serious health needs ignored, putting the child at risk",
            "Pregnancy in a child under 13",
        ),
        *_ind("learning", "universal", "Attends well and is progressing"),
        *_ind(
            "learning",
            "early-help",
            "Attendance is regularly poor",
            "At risk of exclusion",
        ),
        *_ind("learning", "safeguarding", "Missing from education with whereabouts unknown"),
        *_ind("wellbeing", "universal", "Has friends and copes with everyday setbacks"),
        *_ind(
            "wellbeing",
            "early-help",
            "Anxious, withdrawn or low in mood",
            "Behaviour at home or school is becoming hard to manage",
        ),
        *_ind(
            "wellbeing",
            "safeguarding",
            "Self-harm or suicidal thoughts with a real risk to life",
        ),
        *_ind(
            "wellbeing",
            "safeguarding",
            "The child discloses sexual abuse",
            escalate=True,
        ),
        *_ind("parenting", "universal", "Care is warm, safe and consistent"),
        *_ind(
            "parenting",
            "early-help",
            "Parents are struggling to give adequate care",
            "Hygiene, clothing or diet is a repeated worry",
        ),
        *_ind(
            "parenting",
            "safeguarding",
            "Neglect is harming the child's health or development",
            "Physical harm by a parent or carer",
        ),
        *_ind("family", "universal", "Stable housing and a supportive network"),
        *_ind(
            "family",
            "early-help",
            "Past or low-level domestic abuse with no other needs",
            "Poverty, debt or poor housing affecting the child",
        ),
        *_ind(
            "family",
            "safeguarding",
            "Domestic abuse serious enough to be heard at a risk conference",
            "Adults' drug or alcohol use leaves the child unsupervised or unsafe",
        ),
        *_ind(
            "outside-home",
            "early-help",
            "Early signs of anti-social behaviour or risky friendships",
        ),
        *_ind(
            "outside-home",
            "safeguarding",
            "Signs of sexual or criminal exploitation",
            "Frequently missing from home",
        ),
    ],
}

HIGH_LOW = {
    "name": "Family centre High and Low thresholds",
    "description": (
        "Two thresholds for safeguarding cases in a family centre: High (child protection or "
        "child in need, reviewed every 7 days) and Low (other concerns, reviewed every 21 "
        "days)."
    ),
    "cluster_domains": 0,
    "levels": [
        {
            "key": "low",
            "name": "Low",
            "description": "A concern to monitor that does not yet need other agencies.",
            "colour": "#1565c0",
            "response": "Open a Low case, talk to the family where it is safe to, consider "
            "early help, and update the case at least every 21 days.",
            "case_threshold": "Low",
            "rag_rating": "green",
            "early_help": True,
            "concern_outcome": "open_case",
        },
        {
            "key": "high",
            "name": "High",
            "description": "Other agencies need to be consulted: the child is, or may be, at "
            "risk of significant harm, or is already known to children's social care.",
            "colour": "#c62828",
            "response": "Open a High case and consult children's social care or the police "
            "the same day. Update the case at least every 7 days.",
            "case_threshold": "High",
            "rag_rating": "red",
            "early_help": False,
            "concern_outcome": "open_case",
        },
    ],
    "domains": [
        {"key": "child", "name": "The child", "description": ""},
        {"key": "home", "name": "Home and family", "description": ""},
        {"key": "known", "name": "Already known to services", "description": ""},
    ],
    "indicators": [
        *_ind(
            "child",
            "low",
            "Changes in behaviour or mood that staff have noticed",
            "Comes to sessions hungry, tired or unkempt now and then",
        ),
        *_ind(
            "child",
            "high",
            "Harms themselves, talks of suicide or is violent towards others",
            "Signs of being drawn into extremist views",
        ),
        *_ind("child", "high", "A disclosure of sexual harm", escalate=True),
        *_ind(
            "home",
            "low",
            "Parents under strain: money, housing or isolation",
            "Occasional missed sessions or appointments without explanation",
        ),
        *_ind(
            "home",
            "high",
            "The child has seen or heard domestic abuse",
            "Suspected physical, emotional or sexual abuse, or neglect",
        ),
        *_ind(
            "known",
            "high",
            "Has a child protection plan, a child in need plan, or is looked after",
            escalate=True,
        ),
    ],
}

EXAMPLES = (FOUR_TIER, CONTINUUM, HIGH_LOW)


def default_for(organisation) -> str:
    """The example an organisation uses at first: family centres the High/Low thresholds
    their case records already use; everyone else the four-tier matrix."""
    from haven.accounts.models import Organisation

    if organisation.kind == Organisation.Kind.EARLY_YEARS:
        return HIGH_LOW["name"]
    return FOUR_TIER["name"]
