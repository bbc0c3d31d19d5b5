"""The resource map: resources, community needs and their gaps, the network diagram."""

from partnerdesk.ui.resource_map.view import ResourceMapView

__all__ = ["ResourceMapView"]
