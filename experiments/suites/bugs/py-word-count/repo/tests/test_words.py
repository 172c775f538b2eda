import unittest

from textstats.words import top_words, word_count


class WordCountTest(unittest.TestCase):
    def test_runs_of_spaces(self):
        self.assertEqual(word_count("hello  world"), 2)

    def test_punctuation_is_not_a_word(self):
        self.assertEqual(word_count("Hello, world!"), 2)

    def test_digits_are_words(self):
        self.assertEqual(word_count("route 66 is long"), 4)


class TopWordsTest(unittest.TestCase):
    def test_most_frequent_first(self):
        self.assertEqual(top_words("b a b c b a", 2), ["b", "a"])
