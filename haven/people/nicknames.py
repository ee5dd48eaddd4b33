"""Common English short forms of given names, so "Bob" finds Robert and "Liz" finds Elizabeth.

Each group lists a canonical name first. Both a record and a search are expanded to the
canonical names of every group their name belongs to.
"""

GROUPS = [
    ["robert", "rob", "robbie", "bob", "bobby", "bert"],
    ["william", "will", "bill", "billy", "liam", "willy"],
    ["elizabeth", "liz", "lizzie", "beth", "betty", "eliza", "libby", "lisa", "elsie"],
    ["margaret", "maggie", "meg", "peggy", "madge", "greta"],
    ["katherine", "catherine", "kate", "katie", "kath", "cathy", "kathy", "kat", "kitty"],
    ["james", "jim", "jimmy", "jamie"],
    ["john", "jack", "johnny", "jon"],
    ["jonathan", "jon", "jonny", "nathan"],
    ["richard", "rich", "richie", "rick", "ricky", "dick"],
    ["thomas", "tom", "tommy"],
    ["michael", "mike", "mikey", "mick", "mickey"],
    ["christopher", "chris", "kit"],
    ["christine", "chris", "chrissie", "tina"],
    ["alexander", "alex", "alec", "sandy", "xander"],
    ["alexandra", "alex", "lexi", "sandra", "sasha"],
    ["daniel", "dan", "danny"],
    ["joseph", "joe", "joey"],
    ["josephine", "jo", "josie"],
    ["samuel", "sam", "sammy"],
    ["samantha", "sam", "sammy"],
    ["benjamin", "ben", "benny", "benji"],
    ["matthew", "matt", "matty"],
    ["nicholas", "nick", "nicky"],
    ["nicola", "nicky", "nikki"],
    ["anthony", "tony", "ant"],
    ["edward", "ed", "eddie", "ted", "teddy", "ned"],
    ["henry", "harry", "hal"],
    ["charles", "charlie", "chas", "chuck"],
    ["charlotte", "charlie", "lottie", "lotte"],
    ["frederick", "fred", "freddie", "freddy"],
    ["david", "dave", "davey"],
    ["stephen", "steven", "steve", "stevie"],
    ["andrew", "andy", "drew"],
    ["peter", "pete"],
    ["patrick", "pat", "paddy"],
    ["patricia", "pat", "patsy", "trish"],
    ["susan", "sue", "susie", "suzy"],
    ["rebecca", "becky", "becca", "bex"],
    ["victoria", "vicky", "tori"],
    ["jennifer", "jen", "jenny"],
    ["deborah", "debbie", "deb"],
    ["abigail", "abby", "abbie", "gail"],
    ["isabella", "isabel", "izzy", "bella"],
    ["olivia", "liv", "livvy"],
    ["amelia", "millie", "amy"],
    ["emily", "em", "emmy"],
    ["gabriel", "gabe"],
    ["gabriella", "gabby", "ella"],
    ["oliver", "ollie", "olly"],
    ["theodore", "theo", "ted"],
    ["zachary", "zach", "zac"],
    ["joshua", "josh"],
    ["nathaniel", "nate", "nat", "nathan"],
    ["mohammed", "muhammad", "mohammad", "mohamed", "mo"],
]

_CANONICAL: dict[str, set[str]] = {}
for _group in GROUPS:
    for _name in _group:
        _CANONICAL.setdefault(_name, set()).add(_group[0])


def canonical_forms(token: str) -> set[str]:
    """The canonical names a token may stand for (empty if it is in no group)."""
    return _CANONICAL.get(token, set())
