"""The workforce's picklists; each organisation's administrator edits its own."""

from haven.configuration.registry import register
from haven.workforce.models import INDUCTION_ITEMS, RESPONSIBILITIES, TOPICS

TRAINING_TOPICS = register(
    TOPICS,
    "Safeguarding training topics",
    "What a course covers, so that gaps in the plan are easy to see.",
    [
        "What abuse and neglect are",
        "Child development",
        "Recognising the signs of abuse and neglect",
        "Our safeguarding procedures",
        "Who to tell about a worry",
        "Raising a concern about a colleague",
        "Expected standards of behaviour towards children",
        "Recording concerns and what was done",
        "Listening to children and taking account of their wishes",
        "Domestic abuse, substance misuse and parents' mental health",
        "Making a referral to children's social care",
        "Thresholds for help and intervention",
        "Working with other agencies and sharing information",
        "Safer recruitment",
        "Managing allegations against staff and volunteers",
        "The role of the designated safeguarding lead",
    ],
)
INDUCTION_CHECKLIST = register(
    INDUCTION_ITEMS,
    "Induction checklist",
    "What every new member of staff or volunteer is taken through in their first months.",
    [
        "Has read the safeguarding and child protection policy",
        "Knows who the designated safeguarding lead and deputies are",
        "Knows how to record a concern and pass it on the same day",
        "Has read and signed the code of behaviour",
        "Knows how to raise a concern about a colleague",
        "Has read the online safety and acceptable use policy",
    ],
)
SAFEGUARDING_RESPONSIBILITIES = register(
    RESPONSIBILITIES,
    "Safeguarding responsibilities",
    "Particular roles that call for particular courses, whatever someone's level.",
    [
        "Designated safeguarding lead",
        "Deputy designated safeguarding lead",
        "Safer recruitment panel member",
        "Trustee or governor",
        "Front door or MASH team member",
        "Driver or escort",
        "Volunteer coordinator",
    ],
)
