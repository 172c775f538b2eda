"""Rows of CSV text (RFC 4180)."""


def format_row(fields):
    """One CSV line: fields joined by commas; a field with a comma, a quote or a newline is quoted."""
    out = []
    for field in fields:
        text = str(field)
        if any(character in text for character in ',"\n'):
            text = '"' + text.replace('"', '""') + '"'
        out.append(text)
    return ",".join(out)
