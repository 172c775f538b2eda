"""Tags of a post."""


def unique_tags(tags):
    """The tags without blanks and duplicates (compared case-insensitively), lower case, in order of first appearance."""
    return list({tag.strip().lower() for tag in tags if tag.strip()})
