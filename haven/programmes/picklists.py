from haven.configuration.registry import register

REFERRED_BY = register(
    "referral_source",
    "Who made the referral",
    "Who asked for a child to join a programme.",
    ["Parent or carer", "School", "Health visitor", "Social care", "Self-referral", "Other"],
)
PRESENTING_ISSUES = register(
    "presenting_issue",
    "Presenting issues",
    "Why a child was referred to a programme. A referral may give several.",
    [
        "Speech and language",
        "Social and emotional development",
        "Behaviour",
        "Family stress or isolation",
        "Housing or money worries",
        "Parental mental health",
        "Domestic abuse in the home",
        "Bereavement or loss",
        "Anxiety",
        "School attendance",
        "Other",
    ],
)
EVIDENCE_SEEN = register(
    "evidence_seen",
    "Evidence seen",
    "Documents seen when a child joined a programme.",
    [
        "Birth certificate",
        "Passport",
        "Proof of address",
        "Red book (health record)",
        "Immigration document",
        "None seen",
    ],
)
ABSENCE_REASONS = register(
    "absence_reason",
    "Reasons for absence",
    "Why a child missed a session.",
    [
        "Illness",
        "Medical appointment",
        "Family holiday",
        "Family emergency",
        "Transport problem",
        "No reason given",
        "Other",
    ],
)
CLOSURE_REASONS = register(
    "engagement_closure_reason",
    "Reasons for closing an engagement",
    "Why a piece of work with a child came to an end.",
    [
        "Work completed",
        "Child has left the setting",
        "Family moved away",
        "Family chose to stop",
        "Referred on to another service",
        "Not progressed after referral",
        "Other",
    ],
)
