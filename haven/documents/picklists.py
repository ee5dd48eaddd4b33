from haven.configuration.registry import register

DOCUMENT_KINDS = register(
    "document_kind",
    "Kinds of document",
    "What a document in a child's document vault is: a photo, a letter, meeting minutes…",
    [
        "Photo",
        "Scanned note",
        "Letter",
        "Plan",
        "Meeting minutes",
        "Report",
        "Other",
    ],
)
