"""One editor per record type, each a `RecordEditor` (see `partnerdesk/ui/editor_base.py`).

Editors are imported by class path when their screen is first built (see
`partnerdesk/ui/widgets/list_specs.py`), so none of them slows the window's first paint.
"""
