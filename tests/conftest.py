"""Settings of every test run: the test markers, the hypothesis profiles and the bcrypt cost.

Markers (pytest.ini registers them): `browser` is given here to everything under tests/browser;
`slow` and `serial` are written on the tests themselves. `make test` runs the `serial` ones in a pass
of their own after the parallel one, `make test-fast` leaves out `browser` and `slow`.
"""

import os
import pathlib

import pytest
from hypothesis import settings

from tests.budget import PROFILE, budget

# Before anything imports services.users, which reads it once: the tests register hundreds of people,
# and at the production cost (12) each costs ~0.3 s. Subprocesses (streamlit run, crash workers)
# inherit it. The production default is tested in tests/services/test_bcrypt_cost.py.
os.environ.setdefault("LINBANG_BCRYPT_ROUNDS", "4")

BROWSER_TESTS = pathlib.Path(__file__).resolve().parent / "browser"

# ci is hypothesis's own profile for CI (derandomized, no example database, no deadline), the one CI
# has always run with (CI=true loads it): every count as written. dev: a tenth of the examples, random,
# replaying earlier failures from .hypothesis/.
settings.register_profile("dev", settings.get_profile("default"), max_examples=budget(100), deadline=None)
settings.load_profile(PROFILE)


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups and before -m selects by marker
def pytest_collection_modifyitems(items):
    for item in items:
        if BROWSER_TESTS in item.path.parents:
            item.add_marker(pytest.mark.browser)
            # A file's tests share its servers (module-scoped fixtures): under --dist loadgroup they run
            # on one worker, in order, and each server starts once. A file of long tests that do not
            # build on each other says SPREAD = True: its tests go to any worker, and each worker
            # starts the file's servers for itself.
            spread = getattr(item.module, "SPREAD", False)
            item.add_marker(pytest.mark.xdist_group(item.nodeid if spread else item.path.stem))
    # The `slow` tests first, the long single ones before the many short cases of a parametrized one
    # (a stable sort: the rest keep their order). xdist hands out the browser files' groups first, then
    # single tests in this order as workers free up: a minute-long test handed out near the end (the
    # money state machine, a crash test) would keep one worker busy while the others wait for it.
    items.sort(key=_slow_first)


def _slow_first(item) -> int:
    if item.get_closest_marker("slow") is None:
        return 2
    return 1 if hasattr(item, "callspec") else 0
