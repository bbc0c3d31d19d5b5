"""PartnerDesk: partnerships, agreements, resources and meetings for community organizations."""

__version__ = "0.1.0"
