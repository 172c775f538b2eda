import unittest

from timeparse.duration import parse_duration


class HiddenParseDurationTest(unittest.TestCase):
    def test_all_three_units(self):
        self.assertEqual(parse_duration("1h2m3s"), 3723)

    def test_minutes_and_seconds(self):
        self.assertEqual(parse_duration("2m5s"), 125)

    def test_spaces_around(self):
        self.assertEqual(parse_duration(" 5m "), 300)

    def test_rejects_nonsense(self):
        for text in ["", "5x", "s"]:
            with self.assertRaises(ValueError, msg=text):
                parse_duration(text)
