"""How much a test run spends searching: CI's budgets or the developer's smaller ones.

HYPOTHESIS_PROFILE picks them for the whole run, not only for hypothesis: `ci` (the default, what
`make test` and CI run) keeps every count exactly as the tests write it; `dev` (`make test-fast`) runs
a tenth of each. tests/conftest.py loads the hypothesis profile of the same name. A count written in a
test goes through budget(): a test's own @settings(max_examples=...) overrides any profile, so the
profile alone could not shrink it.
"""

import os

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
DEV_SHARE = 10  # dev runs one in ten


def budget(count: int) -> int:
    """`count` (a property's examples, a crash test's kills) under ci; under dev a tenth of it, at least 1."""
    return count if PROFILE == "ci" else max(1, count // DEV_SHARE)
