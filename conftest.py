"""Settings for every test of the repository: the core's tests/ and each plugin's tests/."""

import os

from hypothesis import settings

# Property tests run a fixed, small budget in CI (and derandomized, so CI is repeatable), a little more on a
# developer's machine, and KCORE_HYPOTHESIS_PROFILE=thorough for a long run before a release.
settings.register_profile("ci", max_examples=15, deadline=None, derandomize=True)
settings.register_profile("dev", max_examples=25, deadline=None)
settings.register_profile("thorough", max_examples=500, deadline=None)
settings.load_profile(os.environ.get("KCORE_HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))
