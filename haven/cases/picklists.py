from haven.configuration.registry import register

CASE_TYPES = register(
    "case_type",
    "Safeguarding case types",
    "What kind of case it is.",
    ["Safeguarding", "Welfare", "Early help"],
)
CASE_CATEGORIES = register(
    "case_category",
    "Safeguarding case categories",
    "The main area of concern in a safeguarding case.",
    [
        "Physical abuse",
        "Emotional abuse",
        "Sexual abuse",
        "Neglect",
        "Domestic abuse",
        "Child on child abuse",
        "Child criminal exploitation",
        "Child sexual exploitation",
        "Online safety",
        "Radicalisation",
        "Self-harm or suicidal thoughts",
        "Mental health",
        "Missing from home or education",
        "Female genital mutilation",
        "Forced marriage",
        "Parental mental health",
        "Parental substance misuse",
        "Other",
    ],
)
