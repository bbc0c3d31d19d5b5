"""Sample data drawn from the field: a community organization, its hospital partner,
a clinic, a school district, a food bank, a parish and a backup-power contractor.

Dates are relative to today, so reminders always have something to show. `scale`
adds generated organizations, contacts and meetings for benchmarks (scale 100 gives
about 100,000 contacts) through the bulk path: one transaction, no ORM objects.
"""

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from partnerdesk.db import records as r
from partnerdesk.db.bookkeeping import new_id
from partnerdesk.db.search_index import fold
from partnerdesk.services import demo_events, demo_funding
from partnerdesk.services.desk import Desk
from partnerdesk.services.ids import category_id
from partnerdesk.services.store import Writer
from partnerdesk.services.tags import ensure_tags

CONTACTS_PER_SCALE = 1000
# community events and feedback (services/demo_events.py), in their insert order
EVENT_MODELS = (r.Event, r.EventOrganization, r.EventPartnership, r.EventResource,
                r.EventAttendance)
FEEDBACK_MODELS = (r.Feedback, r.SurveyResult)


ORGANIZATIONS = [
    # key, name, kind, status, mission
    ("us", "Eastside Community Partners", "community_group", "active",
     "Neighbours helping neighbours stay healthy, fed and housed on the east side."),
    ("hospital", "Mercy General Hospital", "hospital", "active",
     "A non-profit hospital serving the county since 1921."),
    ("clinic", "Riverside Family Clinic", "clinic", "active",
     "Primary care for families regardless of ability to pay."),
    ("school", "Lakeview School District", "school", "active",
     "Eleven schools and 6,400 students."),
    ("foodbank", "Northside Food Bank", "food_bank", "active",
     "Emergency groceries and fresh produce for 900 households a month."),
    ("parish", "St. Brigid's Parish", "faith_based", "active",
     "A parish community with a volunteer health ministry."),
    ("power", "BrightGrid Backup Power", "critical_service", "active",
     "Generators and battery backup for clinics and cooling centres."),
    ("health_dept", "City Health Department", "government", "active",
     "Public health services for the city."),
    ("foundation", "Harbor Community Foundation", "funder", "prospect",
     "Grants for community health and resilience."),
]

CONTACTS = [
    # org key, name, role, share_ok
    ("us", "Zoë Martín", "Executive Director", True),
    ("us", "José Núñez", "Programs Coordinator", True),
    ("us", "Siobhán O'Connor", "Volunteer Lead", False),
    ("hospital", "Dr. Renée Dubois", "Director of Community Benefit", True),
    ("hospital", "Björn Åkesson", "Population Health Analyst", True),
    ("hospital", "Анна Иванова", "Care Transitions Nurse", True),
    ("hospital", "Marcus Lee", "Chief Financial Officer", False),
    ("clinic", "Nguyễn Thị Lan", "Clinic Manager", True),
    ("clinic", "Dr. Αλέξανδρος Παπαδόπουλος", "Medical Director", True),
    ("school", "François Lefèvre", "Director of Student Health", True),
    ("school", "Chloé Bernard", "School Nurse Supervisor", True),
    ("foodbank", "Łukasz Wójcik", "Operations Manager", True),
    ("foodbank", "Amara Okafor", "Partner Relations", True),
    ("parish", "Fr. Tomás Gutiérrez", "Pastor", True),
    ("parish", "Mária Kovács", "Health Ministry Coordinator", True),
    ("power", "Søren Høgh", "Account Manager", True),
    ("power", "Priya Raman", "Field Engineer", False),
    ("health_dept", "Dmitri Sokolov", "Emergency Preparedness Officer", True),
    ("foundation", "Inés Ferreira", "Program Officer", True),
]

DEPARTMENTS = {"Dr. Renée Dubois": "Community Benefit",
               "Björn Åkesson": "Population Health", "Анна Иванова": "Care Transitions",
               "Marcus Lee": "Finance", "François Lefèvre": "Student Health Services",
               "Chloé Bernard": "Student Health Services",
               "Dmitri Sokolov": "Emergency Preparedness"}

FIRST = ["Zoë", "José", "Anaïs", "Björn", "Chloé", "Dmitri", "Élodie", "Fatima", "Grace",
         "Héctor", "Inès", "Jürgen", "Kalani", "Léa", "Mateo", "Noémie", "Óscar", "Pilar",
         "Quentin", "Raúl", "Søren", "Tomás", "Ulla", "Valentín", "Wanjiru", "Xavier",
         "Yasmín", "Zofia", "Ana", "Ben", "Carmen", "David", "Emma", "Farah", "Gabriel",
         "Hana", "Ivan", "Julia", "Kofi", "Lucía", "Αλέξανδρος", "Анна", "Мария", "Νίκος"]
LAST = ["García", "Müller", "Núñez", "O'Brien", "Åkesson", "Dubois", "Kowalski", "Nguyễn",
        "Okafor", "Papadopoulos", "Ivanova", "Lefèvre", "Santos", "Johansson", "Martín",
        "Petrović", "Smith", "Jones", "Brown", "Wójcik", "Fernández", "Kim", "Patel",
        "Rossi", "Schäfer", "Yılmaz", "Haddad", "Mensah", "Иванов", "Παπαδάκης"]
ORG_WORDS = ["Harbor", "Valley", "Northgate", "Cedar", "Riverbend", "Summit", "Oakwood",
             "Lakeside", "Pinecrest", "Maple", "Westfield", "Brookside", "Fairview"]
ORG_KINDS = [("Clinic", "clinic"), ("Food Pantry", "community_group"),
             ("Elementary School", "school"), ("Church", "faith_based"),
             ("Tenant Association", "community_group"), ("Youth Center", "community_group"),
             ("Senior Services", "community_group"), ("Mosque", "faith_based"),
             ("Credit Union", "business"), ("Fire District", "government")]


# Letters that do not decompose into a plain letter and an accent.
SPELLED_OUT = str.maketrans({"ø": "o", "æ": "ae", "ß": "ss", "ł": "l", "đ": "d", "ı": "i",
                             "œ": "oe", "þ": "th"})


def _email(name: str, domain: str) -> str:
    plain = fold(name).translate(SPELLED_OUT)  # "Søren Høgh" -> "soren hogh"
    ascii_name = "".join(ch for ch in plain if ch.isascii() and (ch.isalnum() or ch == " "))
    local = ".".join(ascii_name.split()) or "contact"
    return f"{local}@{domain}"


def _domain(org_name: str) -> str:
    words = "".join(ch for ch in org_name.lower() if ch.isascii() and ch.isalnum() or ch == " ")
    return "".join(words.split()[:2]) + ".org"


class _Builder:
    def __init__(self, writer: Writer, today: date, rng: random.Random) -> None:
        self.w = writer
        self.today = today
        self.rng = rng
        self.rows: dict[type, list[dict[str, Any]]] = {}
        self.tags: list[str] = []

    def add(self, model: type, **values: Any) -> str:
        if "id" not in values:
            values["id"] = new_id()
        self.rows.setdefault(model, []).append(values)
        return values["id"]

    def flush(self) -> None:
        # The tag list: the sample's vocabulary and every tag its records carry.
        ensure_tags(self.w, [*self.tags, *(tag for rows in self.rows.values()
                                           for row in rows for tag in row.get("tags", ()))])
        # Parents before children, so foreign keys hold at every insert.
        order = [r.Attachment, r.Organization, r.Contact, r.Partnership, r.PartnershipMember,
                 r.Milestone, r.Indicator, r.Measurement, r.Agreement, r.AgreementParty,
                 r.Obligation, r.Signatory, r.Resource, r.CommunityNeed, r.NeedResourceLink,
                 r.ReferralPathway, r.ReferralCount, r.Meeting, r.MeetingAttendee,
                 *EVENT_MODELS, r.ActionItem, r.PartnershipReview, *FEEDBACK_MODELS]
        order += demo_funding.MODELS
        for model in order:
            self.w.bulk_create(model, self.rows.pop(model, []), beside=True)
        assert not self.rows, f"no insert order for {list(self.rows)}"

    def day(self, offset: int) -> date:
        return self.today + timedelta(days=offset)


def _story(b: _Builder) -> dict[str, Any]:
    """The hand-written core: every record type, every agreement status, one unmet need."""
    rng, cat = b.rng, category_id
    b.tags += ["board", "funder", "volunteer", "cooling-centres", "food-security"]
    org: dict[str, str] = {}
    streets: dict[str, str] = {}
    for key, name, kind, status, mission in ORGANIZATIONS:
        domain = _domain(name)
        phone = f"+1617{rng.randrange(2000000, 9999999)}"
        streets[key] = f"{rng.randrange(10, 999)} {rng.choice(ORG_WORDS)} Street"
        org[key] = b.add(r.Organization, name=name, kind=kind, status=status, mission=mission,
                         is_us=key == "us", website=f"https://www.{domain}",
                         email=f"info@{domain}", phone=phone, address=streets[key],
                         tags=["funder"] if kind == "funder" else [],
                         notes="", internal_notes="Board asked us to keep this relationship "
                         "warm." if key == "foundation" else "")
    person: dict[str, str] = {}
    for index, (key, name, role, share_ok) in enumerate(CONTACTS):
        domain = _domain(dict((k, n) for k, n, *_ in ORGANIZATIONS)[key])
        phones = [{"number": f"+1617{rng.randrange(2000000, 9999999)}", "kind": "work",
                   "extension": str(4100 + index) if key == "hospital" else ""}]
        if key in ("hospital", "clinic"):
            phones.append({"number": f"+1617555{index:04d}", "kind": "fax", "extension": ""})
        person[name] = b.add(
            r.Contact, name=name, role=role, organization_id=org[key], share_ok=share_ok,
            department=DEPARTMENTS.get(name, ""),
            emails=[{"address": _email(name, domain), "kind": "work"}],
            phones=phones,
            addresses=[{"kind": "work", "street": streets[key], "city": "Boston",
                        "region": "MA", "postal_code": f"021{index:02d}", "country": "USA"}],
            websites=[{"url": f"https://www.{domain}/people/{_email(name, domain)}".split("@")[0],
                       "kind": "work"}] if key == "foundation" else [],
            preferred_contact=rng.choice(["email", "phone", ""]),
            tags=["board"] if role.startswith("Executive") else [],
            notes="Prefers morning calls." if share_ok else "",
            internal_notes="" if share_ok else "Asked not to be listed in partner reports.",
            last_contacted=b.day(-rng.randrange(5, 200)))

    partnerships = [
        ("food", "Food as Medicine", "resource_sharing", "active", ["hospital", "foodbank"],
         "Cut readmissions for diet-related conditions by pairing discharge with groceries.",
         "No patient leaves hospital to an empty fridge.", "Zoë Martín",
         {"hospital": "Dr. Renée Dubois", "foodbank": "Łukasz Wójcik"}, -420, 6, 10),
        ("school", "School Health Screening", "co_delivery", "active", ["school", "clinic"],
         "Vision, hearing and dental screening for every K-5 student each year.",
         "Every child ready to learn.", "José Núñez",
         {"school": "François Lefèvre", "clinic": "Nguyễn Thị Lan"}, -300, 12, -20),
        ("power", "Backup Power for Cooling Centres", "critical_service", "forming",
         ["power", "health_dept"],
         "Keep three cooling centres and the clinic running through outages.",
         "No one loses power to medical equipment in a heat wave.", "Zoë Martín",
         {"power": "Søren Høgh", "health_dept": "Dmitri Sokolov"}, -90, 3, 40),
        ("parish", "Faith Community Health Navigators", "referral", "under_review",
         ["parish", "hospital"],
         "Trained parish volunteers help neighbours find care and benefits.",
         "Health guidance from people you already trust.", "Siobhán O'Connor",
         {"parish": "Mária Kovács", "hospital": "Анна Иванова"}, -700, 12, 5),
    ]
    ship: dict[str, str] = {}
    for (key, title, kind, status, partners, goals, vision, lead, leads, start, every,
         review_in) in partnerships:
        ship[key] = b.add(r.Partnership, title=title, kind=kind, status=status, goals=goals,
                          shared_vision=vision, start_date=b.day(start),
                          review_every_months=every, next_review_date=b.day(review_in),
                          our_lead_contact_id=person[lead], tags=[],
                          notes=f"Started after the {b.day(start).year} needs assessment.",
                          internal_notes="Budget for year two not yet confirmed.")
        for partner in partners:
            b.add(r.PartnershipMember, partnership_id=ship[key], organization_id=org[partner],
                  lead_contact_id=person[leads[partner]], role="Partner")
    milestones = [
        ("food", "Referral form agreed with discharge nurses", -300, True),
        ("food", "First 100 households served", -120, True),
        ("food", "Six-month outcomes report", -15, False),
        ("food", "Expand to cardiology ward", 60, False),
        ("school", "Consent forms translated into Spanish and Vietnamese", -200, True),
        ("school", "Spring screening week", -30, False),
        ("school", "Autumn screening week", 120, False),
        ("power", "Site survey of cooling centres", 20, False),
        ("power", "Generator installed at Riverside Clinic", 75, False),
        ("parish", "Train 12 health navigators", -400, True),
        ("parish", "Navigator hotline live", -10, False),
    ]
    for key, title, due, done in milestones:
        b.add(r.Milestone, partnership_id=ship[key], title=title, due_date=b.day(due),
              done=done, done_date=b.day(due - 3) if done else None)
    indicators = [("food", "Households served", "households", 400.0, 20, 35),
                  ("food", "30-day readmissions", "%", 12.0, 18, -0.5),
                  ("school", "Students screened", "students", 2400.0, 150, 180),
                  ("parish", "Neighbours helped", "people", 300.0, 12, 22)]
    for key, name, unit, target, base, step in indicators:
        indicator = b.add(r.Indicator, partnership_id=ship[key], name=name, unit=unit,
                          target=target)
        total = base
        for month in range(12):
            total = max(0.0, total + step + rng.uniform(-abs(step) / 3, abs(step) / 3))
            b.add(r.Measurement, indicator_id=indicator, measured_on=b.day(-330 + month * 30),
                  value=round(total, 1) if unit == "%" else float(round(total)))

    agreements = [
        ("food", "Food as Medicine MOU", "active", -400, 25, ["us", "hospital", "foodbank"]),
        ("school", "Screening Services Agreement", "active", -280, 450, ["us", "school",
                                                                           "clinic"]),
        ("power", "Backup Power Service Agreement", "negotiating", None, None,
         ["us", "power"]),
        ("power", "Cooling Centre Data Sharing MOU", "draft", None, None,
         ["us", "health_dept"]),
        ("parish", "Health Navigator MOU", "expired", -760, -30, ["us", "parish", "hospital"]),
        ("parish", "Navigator Hotline Pilot", "signed", -20, 345, ["us", "parish"]),
        ("food", "Produce Delivery Pilot", "terminated", -500, -200, ["us", "foodbank"]),
        ("school", "Summer Meals Agreement", "active", -400, -12, ["us", "school",
                                                                    "foodbank"]),
    ]
    agreement_ids = {}
    for key, title, status, start, end, parties in agreements:
        agreement = b.add(
            r.Agreement, partnership_id=ship[key], title=title, status=status,
            effective_date=b.day(start) if start is not None else None,
            expiry_date=b.day(end) if end is not None else None,
            renewal_terms="Renews for one year unless either party gives notice.",
            notice_period_days=60, notes="Signed copies are attached.",
            internal_notes="Legal review by the hospital took eight weeks.")
        agreement_ids[title] = agreement
        for party in parties:
            b.add(r.AgreementParty, agreement_id=agreement, organization_id=org[party],
                  role="Lead" if party == "us" else "Partner")
        obligations = {
            "us": ("Coordinate volunteers and report monthly numbers", "Monthly"),
            "hospital": ("Refer eligible patients at discharge", "Ongoing"),
            "foodbank": ("Pack and deliver grocery boxes within 48 hours", "Weekly"),
            "school": ("Provide rooms and schedules for screening days", "Each term"),
            "clinic": ("Staff screening days and follow up referrals", "Each term"),
            "power": ("Maintain generators and respond to outages within 4 hours", "On call"),
            "health_dept": ("Share cooling centre opening times", "Seasonal"),
            "parish": ("Recruit and host health navigators", "Ongoing"),
        }
        for party in parties:
            what, how_often = obligations[party]
            b.add(r.Obligation, agreement_id=agreement, organization_id=org[party],
                  description=what, frequency=how_often,
                  due_date=b.day(start + 90) if start is not None else None)
        if status in ("signed", "active", "expired", "terminated"):
            for party in parties[:2]:
                signer = next(n for k, n, *_ in CONTACTS if k == party)
                b.add(r.Signatory, agreement_id=agreement, contact_id=person[signer],
                      signed_on=b.day((start or 0) - 5))

    resources = [
        ("foodbank", "Food", "Emergency grocery boxes", 900, "households a month",
         "Mon–Fri 9:00–17:00", "Anyone in the county", "County"),
        ("foodbank", "Food", "Medically tailored meals", 60, "households a week",
         "Weekly delivery", "Referral from a clinician", "East side"),
        ("parish", "Space / facilities", "Parish hall", 120, "people",
         "Evenings and weekends", "Community groups", "East side"),
        ("parish", "Volunteers", "Health navigator volunteers", 12, "volunteers",
         "Flexible", "Trained volunteers", "East side"),
        ("power", "Backup power", "Mobile generators", 4, "generators", "On call 24/7",
         "Partner sites", "City"),
        ("hospital", "Health screening", "Mobile screening van", 2, "days a month",
         "By arrangement", "Community events", "County"),
        ("hospital", "Funding", "Community benefit mini-grants", 5, "grants a year",
         "Annual round", "Non-profits", "County"),
        ("clinic", "Health screening", "Vision and hearing screening", 300, "students a day",
         "School terms", "K-5 students", "Lakeview district"),
        ("clinic", "Mental health", "Counsellor drop-in hours", 10, "sessions a week",
         "Tue and Thu", "Adults", "East side"),
        ("school", "Space / facilities", "School gymnasiums", 3, "halls",
         "Weekends", "Community events", "Lakeview district"),
        ("health_dept", "Transport", "Cooling centre shuttle", 40, "rides a day",
         "Heat advisories", "Seniors and people with disabilities", "City"),
        ("us", "Training", "First aid training", 20, "people a month", "Monthly",
         "Volunteers", "East side"),
    ]
    resource_ids = {}
    for key, category, name, capacity, unit, schedule, eligibility, area in resources:
        resource_ids[name] = b.add(
            r.Resource, organization_id=org[key], category_id=cat(category), name=name,
            description=f"{name} offered by {dict((k, n) for k, n, *_ in ORGANIZATIONS)[key]}.",
            capacity=capacity, capacity_unit=unit, schedule=schedule, eligibility=eligibility,
            service_area=area, last_verified=b.day(-rng.choice([20, 90, 200, 400, 500])))
    needs = [
        ("Food", "Food insecurity after hospital discharge", "high", "East side", 100),
        ("Mental health", "Counselling for isolated seniors", "high", "East side", 40),
        ("Translation", "Interpreters for Haitian Creole speakers", "high", "County", 20),
        ("Transport", "Rides to dialysis appointments", "medium", "County", 30),
        ("Backup power", "Power for home oxygen during outages", "high", "City", 10),
        ("Health screening", "Childhood vision screening", "medium", "Lakeview district",
         2000),
        ("Housing", "Emergency shelter for families", "low", "County", 15),
    ]
    need_ids = {}
    for category, title, priority, area, needed in needs:
        need_ids[title] = b.add(
            r.CommunityNeed, category_id=cat(category), title=title, priority=priority,
            area=area, needed_capacity=needed,
            description=f"{title}, named as a priority in the hospital's assessment.",
            source=f"Mercy General Community Health Needs Assessment {b.today.year - 1}")
    b.add(r.NeedResourceLink, need_id=need_ids["Food insecurity after hospital discharge"],
          resource_id=resource_ids["Medically tailored meals"])

    pathways = [("hospital", "foodbank", "Food", 40), ("clinic", "us", "Mental health", 12),
                ("parish", "clinic", "Health screening", 8), ("us", "hospital", "Other", None),
                ("school", "clinic", "Health screening", 25)]
    for source, target, category, monthly in pathways:
        pathway = b.add(r.ReferralPathway, from_organization_id=org[source],
                        to_organization_id=org[target], category_id=cat(category),
                        notes="Referral by phone or the shared form; numbers only, "
                              "never names.")
        if monthly:
            for back in range(6, 0, -1):
                month = (b.today.replace(day=1) - timedelta(days=30 * back)).strftime("%Y-%m")
                b.add(r.ReferralCount, pathway_id=pathway, month=month,
                      count=max(0, monthly + rng.randrange(-5, 6)))

    decisions = ["Agreed to share monthly numbers by the 5th.",
                 "Agreed to add a Spanish-speaking volunteer to each session.",
                 "Decided to apply jointly for the foundation's resilience grant.",
                 "Agreed the referral form stays one page.",
                 "Agreed to hold the next review at the hospital."]
    actions = ["Send updated referral numbers", "Draft the renewal letter",
               "Book the parish hall", "Translate the consent form",
               "Check generator fuel contract", "Circulate the minutes",
               "Ask the foundation for a meeting"]
    members = {key: [person[n] for k, n, *_ in CONTACTS
                     if k in ("us", *p[4])] for key, *p in [(x[0], *x[1:]) for x in partnerships]}
    for index, (key, title, *_rest) in enumerate(partnerships):
        for month in range(12):
            when = datetime.combine(b.day(-345 + month * 30 + index * 3), time(10 + index, 0))
            meeting = b.add(
                r.Meeting, title=f"{title}: monthly check-in", starts_at=when,
                ends_at=when + timedelta(hours=1),
                location=rng.choice(["Mercy General, Room 4B", "Parish hall", "Video call",
                                     "Eastside office"]),
                partnership_id=ship[key], agenda="1. Numbers since last month\n2. Problems "
                "and fixes\n3. Next steps", notes="Good turnout; numbers on track.",
                decisions=rng.choice(decisions), internal_notes="")
            for attendee in rng.sample(members[key], k=min(3, len(members[key]))):
                b.add(r.MeetingAttendee, meeting_id=meeting, contact_id=attendee)
            for _ in range(2):
                due = when.date() + timedelta(days=14)
                done = due < b.today - timedelta(days=30) or rng.random() < 0.3
                b.add(r.ActionItem, description=rng.choice(actions), meeting_id=meeting,
                      partnership_id=ship[key], owner_contact_id=rng.choice(members[key]),
                      due_date=due, done=done, done_date=due if done else None)
    for key in ("food", "parish"):
        for months_ago in (12, 6):
            b.add(r.PartnershipReview, partnership_id=ship[key],
                  reviewed_on=b.day(-30 * months_ago),
                  scores={element: {"score": rng.randint(3, 5), "comment": ""}
                          for element in ("shared_goals", "trust", "communication",
                                          "leadership", "shared_resources", "flexibility",
                                          "independence", "progress")},
                  overall_note="Strong relationship; data sharing needs work.",
                  next_steps="Agree a data-sharing template before the next review.")
    return {"org": org, "person": person, "ship": ship, "agreements": agreement_ids,
            "resources": resource_ids}


def _signed_copy(title: str, parties: str) -> bytes:
    """A one-page PDF standing in for a scanned, signed MOU."""
    from io import BytesIO

    from reportlab.lib.pagesizes import LETTER
    from reportlab.pdfgen.canvas import Canvas

    buffer = BytesIO()
    canvas = Canvas(buffer, pagesize=LETTER, invariant=True)
    canvas.setTitle(title)
    canvas.setFont("Helvetica-Bold", 16)
    canvas.drawString(72, 700, title)
    canvas.setFont("Helvetica", 11)
    canvas.drawString(72, 676, f"Between {parties}.")
    canvas.drawString(72, 650, "Signed copy (sample data).")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _attachments(desk: Desk, b: _Builder, story: dict[str, Any]) -> None:
    for title in ("Food as Medicine MOU", "Screening Services Agreement"):
        data = _signed_copy(title, "Eastside Community Partners and its partners")
        digest = desk.attachments.store_bytes(data)
        b.add(r.Attachment, record_type="agreement", record_id=story["agreements"][title],
              filename=f"{title} - signed.pdf", sha256=digest, size=len(data),
              media_type="application/pdf")


def _volume(b: _Builder, scale: int, story: dict[str, Any]) -> None:
    """Generated records for benchmarks: about 1,000 contacts per unit of scale."""
    rng = b.rng
    org_ids = []
    for index in range(scale * 20):
        suffix, kind = rng.choice(ORG_KINDS)
        name = f"{rng.choice(ORG_WORDS)} {suffix} {index + 1}"
        org_ids.append(b.add(r.Organization, name=name, kind=kind,
                             status=rng.choice(["active", "active", "prospect", "paused"]),
                             email=f"info@{_domain(name)}"))
    for index in range(scale * CONTACTS_PER_SCALE):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        org_id = org_ids[index % len(org_ids)]
        b.add(r.Contact, name=name, role=rng.choice(["Volunteer", "Coordinator", "Director",
                                                      "Nurse", "Teacher", "Board member"]),
              organization_id=org_id, share_ok=rng.random() < 0.7,
              emails=[{"address": f"c{index}@example.org", "kind": "work"}],
              phones=[{"number": f"+1{(212, 415, 312, 617)[index % 4]}{2000000 + index}",
                       "kind": "mobile", "extension": ""}],
              last_contacted=b.day(-rng.randrange(1, 720)))
    ships = list(story["ship"].values())
    for index in range(scale * 50):
        when = datetime.combine(b.day(-rng.randrange(0, 1000)), time(9 + index % 8))
        b.add(r.Meeting, title=f"Coalition meeting {index + 1}", starts_at=when,
              partnership_id=rng.choice(ships), location="Video call",
              notes="Updates from each partner.", decisions="Agreed next steps.")
    categories = [category_id(n) for n in ("Food", "Housing", "Transport", "Volunteers")]
    for index in range(scale * 10):
        b.add(r.Resource, organization_id=rng.choice(org_ids), category_id=rng.choice(categories),
              name=f"Community resource {index + 1}", capacity=rng.randrange(5, 200),
              last_verified=b.day(-rng.randrange(1, 500)))
    us = story["org"]["us"]
    statuses = ["draft", "negotiating", "signed", "active", "active", "expired", "terminated"]
    for index in range(scale * 10):
        start = -rng.randrange(0, 1400)
        agreement = b.add(r.Agreement, title=f"Service agreement {index + 1}",
                          status=rng.choice(statuses), partnership_id=rng.choice(ships),
                          effective_date=b.day(start),
                          expiry_date=b.day(start + rng.choice([365, 730, 1095])),
                          renewal_terms="Renews yearly unless either party gives notice.",
                          notice_period_days=60)
        for party in (us, rng.choice(org_ids)):
            b.add(r.AgreementParty, agreement_id=agreement, organization_id=party,
                  role="Partner")


def load_demo(desk: Desk, scale: int = 1, today: date | None = None, seed: int = 7) -> None:
    """Fill an empty database with the sample data in one transaction."""
    rng = random.Random(seed)
    with desk.store.write() as writer:
        builder = _Builder(writer, today or date.today(), rng)
        story = _story(builder)
        _attachments(desk, builder, story)
        demo_events.add_events(builder, story, story["resources"])
        demo_funding.add_funding(builder, story)
        if scale > 1:
            _volume(builder, scale, story)
            demo_events.add_volume(builder, scale, story,
                                   [row["id"] for row in builder.rows[r.Organization]])
            demo_funding.add_funding_volume(builder, scale, story, list(story["org"].values()))
        builder.flush()
