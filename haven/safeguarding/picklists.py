"""The safeguarding app's configurable lists (see haven.configuration.registry).

The recording-hint phrases are words that usually carry the writer's opinion rather than what
they saw and heard. Each entry is a phrase, or "phrase — suggestion" to give that phrase its
own advice; an administrator can add the words their staff tend to use, or switch any off.
"""

from haven.configuration.registry import register

OPINION = "This is an opinion. Write down what you saw and heard instead."
FEELINGS = "Leave your own feelings out; keep to what happened."
SPECIFIC = "Be specific: say when, and how many times."
JUDGEMENT = "This judges the child. Describe what they did and said."
PAST = "Record this incident on its own terms; earlier ones are in the chronology."
EXACT = "Say exactly what was said or done, in speech marks where you can."

RECORDING_HINT_PHRASES = register(
    "recording_hint_phrases",
    "Recording quality hints",
    "Words and phrases the concern form points out while an account is typed, because they "
    "usually give an opinion rather than a fact. Write a phrase on its own, or "
    "“phrase — suggestion” to give it its own advice. Hints never stop anyone saving.",
    [
        f"aggressive — {OPINION}",
        f"rude — {OPINION}",
        f"really angry — {OPINION}",
        f"angry — {OPINION}",
        f"threatening — {EXACT}",
        "stormed off — Say where the person went and how: for example, walked out quickly.",
        f"kicked off — {OPINION}",
        f"lost it — {OPINION}",
        f"hysterical — {OPINION}",
        f"out of control — {OPINION}",
        f"naughty — {JUDGEMENT}",
        f"defiant — {JUDGEMENT}",
        f"attention seeking — {JUDGEMENT}",
        f"attention-seeking — {JUDGEMENT}",
        f"manipulative — {JUDGEMENT}",
        f"inappropriate — {EXACT}",
        f"as per usual — {PAST}",
        f"as usual — {PAST}",
        f"typical — {PAST}",
        f"yet again — {PAST}",
        f"surprisingly — {FEELINGS}",
        f"obviously — {FEELINGS}",
        f"unfortunately — {FEELINGS}",
        f"frustrating — {FEELINGS}",
        f"always — {SPECIFIC}",
        f"never — {SPECIFIC}",
        f"constantly — {SPECIFIC}",
    ],
)

RECORDING_ABBREVIATIONS = register(
    "recording_abbreviations",
    "Abbreviations that are not initials",
    "Short capitalised words the concern form should not mistake for a person's initials "
    "(DSL, NHS, GP…). Add the ones your organisation uses.",
    [
        "DSL",
        "DDSL",
        "NHS",
        "GP",
        "TA",
        "HT",
        "DHT",
        "SLT",
        "SEN",
        "SEND",
        "SENCO",
        "PE",
        "RE",
        "IT",
        "ICT",
        "CP",
        "CIN",
        "CLA",
        "LAC",
        "PEP",
        "EHC",
        "EHCP",
        "YOT",
        "PC",
        "PCSO",
        "CSE",
        "CCE",
        "FGM",
        "ASD",
        "OT",
        "EP",
        "EWO",
        "FSW",
        "SW",
        "LA",
        "LADO",
        "DBS",
        "MASH",
        "AM",
        "PM",
        "OK",
        "TV",
        "ID",
        "DOB",
        "UK",
    ],
)
