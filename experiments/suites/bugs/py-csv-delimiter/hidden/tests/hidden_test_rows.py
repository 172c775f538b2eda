import unittest

from csvtool.rows import format_row


class HiddenFormatRowTest(unittest.TestCase):
    def test_semicolon_delimiter(self):
        self.assertEqual(format_row(["a", "b;c"], delimiter=";"), 'a;"b;c"')

    def test_comma_needs_no_quotes_with_semicolons(self):
        self.assertEqual(format_row(["a,b", "c"], delimiter=";"), "a,b;c")

    def test_quotes_with_semicolons(self):
        self.assertEqual(format_row(['say "hi"', "x"], delimiter=";"), '"say ""hi""";x')

    def test_default_is_comma(self):
        self.assertEqual(format_row(["a,b", 'q"'], ), '"a,b","q"""')
