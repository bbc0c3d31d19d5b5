"""`partnerdesk settings`: list this database's settings, set one, or put one back.

The settings and their checks are defined once, in `services.settings`.
"""

import argparse

from partnerdesk.cli.common import open_desk
from partnerdesk.cli.output import print_json, print_table
from partnerdesk.errors import PartnerDeskError


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    settings = commands.add_parser(
        "settings", help="list the settings, or change one",
        description="With no name, list every setting; with a name, show it. With a name and "
                    "a value, change it; with --reset, put it back to its default.")
    settings.add_argument("name", nargs="?", metavar="NAME", help="the setting to change")
    settings.add_argument("value", nargs="?", metavar="VALUE", help="its new value")
    settings.add_argument("--reset", action="store_true", help="back to the default value")
    settings.add_argument("--json", action="store_true", help="print JSON")
    settings.set_defaults(run=run_settings)


def run_settings(args: argparse.Namespace) -> int:
    from partnerdesk.services.settings import DEFINITIONS

    shown = {key: d for key, d in DEFINITIONS.items() if d.shown}
    if args.name is None:
        if args.value is not None or args.reset:
            raise PartnerDeskError("Name the setting to change, for example "
                                   "'partnerdesk settings phone_region CA'.")
    elif args.name not in shown:
        raise PartnerDeskError(f"There is no setting called “{args.name}”. The settings are: "
                               + ", ".join(shown) + ".")
    elif args.reset and args.value is not None:
        raise PartnerDeskError(f"Give a new value for {args.name}, or --reset to put it back "
                               "to its default, not both.")
    with open_desk(args) as desk:
        if args.name is not None:
            definition = shown[args.name]
            if args.reset:
                desk.settings.reset(definition)
            elif args.value is not None:
                desk.settings.set(definition, args.value)
        listed = [(d, desk.settings.get(d), desk.settings.is_set(d)) for d in shown.values()
                  if args.name in (None, d.key)]
    if args.json:
        print_json([{"name": d.key, "value": value, "default": d.default(), "chosen": chosen,
                     "description": d.description} for d, value, chosen in listed])
    else:
        print_table([(d.key, str(value), "" if chosen else "(default)", d.description)
                     for d, value, chosen in listed])
    return 0
