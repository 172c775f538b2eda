"""Durations written as hours, minutes and seconds."""
import re


def parse_duration(text):
    """Seconds in a duration such as "1h30m", "45m", "2h", "90s" or "1h2m3s"."""
    stripped = text.strip()
    match = re.fullmatch(r"(?:(\d+)h)?(?:(\d+)m)?", stripped)
    if not match or not stripped:
        raise ValueError(f"not a duration: {text!r}")
    hours, minutes = (int(part) if part else 0 for part in match.groups())
    return hours * 3600 + minutes * 60
