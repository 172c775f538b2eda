import os
import subprocess
import sys
import unittest

from tags.tags import unique_tags

PROGRAM = "from tags.tags import unique_tags; print(','.join(unique_tags(['b', 'a', 'B', 'c', 'a', 'd', 'e'])))"


class HiddenUniqueTagsTest(unittest.TestCase):
    def test_order_under_every_hash_seed(self):
        for seed in range(12):
            environment = {**os.environ, "PYTHONHASHSEED": str(seed)}
            output = subprocess.run([sys.executable, "-c", PROGRAM], env=environment, capture_output=True, text=True, check=True).stdout.strip()
            self.assertEqual(output, "b,a,c,d,e", f"PYTHONHASHSEED={seed}")

    def test_whitespace_is_trimmed(self):
        self.assertEqual(unique_tags([" x ", "X", "y"]), ["x", "y"])
