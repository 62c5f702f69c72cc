"""Hypothesis settings for every EMS test run: no per-example deadline.

The properties test pure functions and database queries; on a busy 2-core CI machine one
example can take longer than hypothesis' default 200 ms without anything being wrong, and a
deadline there would only make the run flaky.
"""

from hypothesis import settings

settings.register_profile("ems", deadline=None)
settings.load_profile("ems")
