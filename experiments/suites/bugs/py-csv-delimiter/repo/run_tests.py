"""Runs the unittest tests of tests/ whose file names match a pattern (default test_*.py) and prints one line
per test and nothing that changes from run to run: "ok - <test id>", or "not ok - <test id>" followed by
"# <first line of the error>" (TAP). Exit status 0 when every test passed. The experiment harness reads these
lines."""
import sys
import unittest


class LineResult(unittest.TestResult):
    def addSuccess(self, test):
        super().addSuccess(test)
        print(f"ok - {test.id()}")

    def addFailure(self, test, err):
        super().addFailure(test, err)
        print(f"not ok - {test.id()}\n# {first_line(err[1])}")

    def addError(self, test, err):
        super().addError(test, err)
        print(f"not ok - {test.id()}\n# {type(err[1]).__name__}: {first_line(err[1])}")


def first_line(error):
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def main():
    pattern = sys.argv[1] if len(sys.argv) > 1 else "test_*.py"
    suite = unittest.defaultTestLoader.discover("tests", pattern=pattern, top_level_dir=".")
    result = LineResult()
    suite.run(result)
    sys.exit(0 if result.wasSuccessful() and result.testsRun > 0 else 1)


if __name__ == "__main__":
    main()
