import unittest

from csvtool.rows import format_row


class FormatRowTest(unittest.TestCase):
    def test_plain_fields(self):
        self.assertEqual(format_row(["a", 1, "b"]), "a,1,b")

    def test_comma_is_quoted(self):
        self.assertEqual(format_row(["a,b", "c"]), '"a,b",c')

    def test_quotes_are_doubled(self):
        self.assertEqual(format_row(['say "hi"']), '"say ""hi"""')
