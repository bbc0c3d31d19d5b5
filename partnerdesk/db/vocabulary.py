"""Fixed choice lists. Stored as plain text so a new choice needs no migration.

Each list is (value, label) pairs: the value is stored, the label is shown.
"""

ORGANIZATION_KINDS = (
    ("hospital", "Hospital"),
    ("clinic", "Clinic"),
    ("food_bank", "Food bank"),
    ("school", "School"),
    ("faith_based", "Faith-based group"),
    ("business", "Business"),
    ("community_group", "Community group"),
    ("government", "Government"),
    ("funder", "Funder"),
    ("critical_service", "Critical service"),
    ("other", "Other"),
)
ORGANIZATION_STATUSES = (
    ("prospect", "Prospect"),
    ("active", "Active"),
    ("paused", "Paused"),
    ("ended", "Ended"),
)
CONTACT_PREFERENCES = (
    ("", "No preference"),
    ("email", "E-mail"),
    ("phone", "Phone"),
    ("text", "Text message"),
    ("in_person", "In person"),
)
EMAIL_KINDS = (("work", "Work"), ("home", "Home"), ("other", "Other"))
PHONE_KINDS = (("work", "Work"), ("mobile", "Mobile"), ("home", "Home"), ("fax", "Fax"),
               ("pager", "Pager"), ("other", "Other"))
ADDRESS_KINDS = (("work", "Work"), ("home", "Home"), ("other", "Other"))
WEBSITE_KINDS = (("work", "Work"), ("home", "Personal"), ("other", "Other"))
PARTNERSHIP_KINDS = (
    ("referral", "Referral"),
    ("resource_sharing", "Resource sharing"),
    ("co_delivery", "Co-delivery"),
    ("funding", "Funding"),
    ("critical_service", "Critical service"),
    ("other", "Other"),
)
PARTNERSHIP_STATUSES = (
    ("exploring", "Exploring"),
    ("forming", "Forming"),
    ("active", "Active"),
    ("under_review", "Under review"),
    ("ended", "Ended"),
)
AGREEMENT_STATUSES = (
    ("draft", "Draft"),
    ("negotiating", "Negotiating"),
    ("signed", "Signed"),
    ("active", "Active"),
    ("expired", "Expired"),
    ("terminated", "Terminated"),
)
# Which status may follow which, and when an agreement is expiring, are rules:
# `services/agreement_rules.py` keeps them.
FUNDING_STATUSES = (
    ("idea", "Idea"),
    ("preparing", "Preparing"),
    ("submitted", "Submitted"),
    ("awarded", "Awarded"),
    ("declined", "Declined"),
    ("active", "Active"),
    ("reporting", "Reporting"),
    ("closed", "Closed"),
)
# Which funding status may follow which, and when a deadline or a deliverable needs
# attention, are rules: `services/funding_rules.py` keeps them.
DELIVERABLE_KINDS = (("report", "Report"), ("outcome", "Outcome"))
NEED_PRIORITIES = (("high", "High"), ("medium", "Medium"), ("low", "Low"))
DEFAULT_CATEGORIES = (
    "Food",
    "Housing",
    "Transport",
    "Health screening",
    "Mental health",
    "Translation",
    "Space / facilities",
    "Equipment",
    "Backup power",
    "Volunteers",
    "Funding",
    "Training",
    "Other",
)
REVIEW_ELEMENTS = (
    ("shared_goals", "Shared goals and values"),
    ("trust", "Mutual trust and respect"),
    ("communication", "Communication"),
    ("leadership", "Leadership commitment"),
    ("shared_resources", "Shared resources"),
    ("flexibility", "Flexibility"),
    ("independence", "Each partner's independence"),
    ("progress", "Progress on milestones"),
)


def values(choices: tuple[tuple[str, str], ...]) -> tuple[str, ...]:
    return tuple(value for value, _ in choices)


def label(choices: tuple[tuple[str, str], ...], value: str) -> str:
    return dict(choices).get(value, value)

# -- community events and feedback --
EVENT_KINDS = (
    ("community_event", "Community event"),
    ("health_screening", "Health screening"),
    ("workshop", "Workshop or training"),
    ("outreach", "Outreach"),
    ("fair", "Fair"),
    ("other", "Other"),
)
EVENT_ROLES = (("host", "Host"), ("partner", "Partner"))
# Offered when an organization has not yet named its own categories of people reached.
ATTENDANCE_CATEGORIES = ("Adults", "Children and young people", "Older adults")
FEEDBACK_SOURCES = (("partner", "A partner"), ("staff", "Staff"), ("community", "The community"))
FEEDBACK_CHANNELS = (
    ("survey", "Survey"),
    ("focus_group", "Focus group"),
    ("meeting", "Meeting"),
    ("conversation", "Conversation"),
    ("form", "Form"),
)
SENTIMENTS = (
    ("positive", "Positive"),
    ("mixed", "Mixed"),
    ("neutral", "Neutral"),
    ("negative", "Negative"),
)
