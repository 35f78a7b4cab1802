import os

from hypothesis import settings

# Property tests: a fixed, small budget in CI; KCORE_HYPOTHESIS_PROFILE=thorough for a long local run.
settings.register_profile("ci", max_examples=15, deadline=None, derandomize=True)
settings.register_profile("dev", max_examples=25, deadline=None)
settings.register_profile("thorough", max_examples=500, deadline=None)
settings.load_profile(os.environ.get("KCORE_HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))
