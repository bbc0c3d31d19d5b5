"""A field as a person knows it: "Phone", "Organization", "Internal notes", never
`organization_id` or `logo_sha256`. For the import preview and the conflicts list."""

LABELS: dict[str, str] = {
    "is_us": "Our organization",
    "share_ok": "May be shared with partners",
    "logo_sha256": "Logo",
    "sha256": "File",
    "starts_at": "Starts",
    "ends_at": "Ends",
    "emails": "E-mail addresses",
    "email": "E-mail",
    "phones": "Phone numbers",
    "websites": "Websites",
    "addresses": "Postal addresses",
    "latitude": "Map position (latitude)",
    "longitude": "Map position (longitude)",
    "from_organization_id": "From organization",
    "to_organization_id": "To organization",
    "first_id": "First record",
    "second_id": "Second record",
    "record_id": "Attached to",
    "_deleted": "Deleted",
    "_alive": "Deleted",
    "_gone": "Deleted",
}


def field_label(field: str) -> str:
    """The label of a field of any record type (the same name means the same thing)."""
    known = LABELS.get(field)
    if known is not None:
        return known
    words = field.removesuffix("_id").replace("_", " ").strip()
    return words[:1].upper() + words[1:]
