import unittest

from textstats.words import word_count


class HiddenWordCountTest(unittest.TestCase):
    def test_empty_text_has_no_words(self):
        self.assertEqual(word_count(""), 0)

    def test_tabs_and_newlines_separate_words(self):
        self.assertEqual(word_count("one\ttwo\nthree"), 3)

    def test_apostrophes_stay_in_words(self):
        self.assertEqual(word_count("don't stop"), 2)

    def test_digits(self):
        self.assertEqual(word_count("4 8 15 16 23 42"), 6)
