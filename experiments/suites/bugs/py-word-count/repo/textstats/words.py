"""Word statistics of plain text."""
import re


def word_count(text):
    """Number of words in text; words are runs of letters, digits and apostrophes."""
    return len(text.split(" "))


def top_words(text, n):
    """The n most frequent words (lower case), most frequent first; ties in order of first appearance."""
    counts = {}
    for word in re.findall(r"[a-z0-9']+", text.lower()):
        counts[word] = counts.get(word, 0) + 1
    return [word for word, _ in sorted(counts.items(), key=lambda item: -item[1])][:n]
