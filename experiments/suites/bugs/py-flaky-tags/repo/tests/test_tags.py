import unittest

from tags.tags import unique_tags


class UniqueTagsTest(unittest.TestCase):
    def test_blank_tags_are_dropped(self):
        self.assertEqual(unique_tags(["", "  ", "a"]), ["a"])

    def test_first_appearance_order(self):
        self.assertEqual(unique_tags(["python", "Rust", "go", "PYTHON", "zig"]), ["python", "rust", "go", "zig"])
