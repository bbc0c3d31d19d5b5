"""PartnerDesk: partnerships, agreements, resources and meetings for community organizations."""

__version__ = "0.1.0"


def version_text() -> str:
    """What `partnerdesk --version` prints (the front door and argparse both use this)."""
    return f"PartnerDesk {__version__}"
