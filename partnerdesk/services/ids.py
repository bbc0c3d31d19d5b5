"""Ids derived from names, for records that two laptops may each create on their own
(default categories, tags): the same name gets the same id everywhere, so the copies
merge into one record instead of appearing twice after sharing."""

import uuid

CATEGORY_NAMESPACE = uuid.UUID("6f1c4a52-5d0e-4d55-9a56-2f2b0b7c4e11")
TAG_NAMESPACE = uuid.UUID("0b8e1f57-3f0c-4a38-9a51-8f7cf1f2c0d4")


def category_id(name: str) -> str:
    return str(uuid.uuid5(CATEGORY_NAMESPACE, name.strip().casefold()))


def tag_id(name: str) -> str:
    return str(uuid.uuid5(TAG_NAMESPACE, name.strip().casefold()))
