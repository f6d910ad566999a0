"""The scenarios of module 2's exercise 8, shared by its visible and hidden checks."""

from pathlib import Path

WHEN_NOT = "8. When not to use containers"
SHEET = Path("answers") / "when_not.toml"
CHOICES = ("container", "no-container")
SCENARIOS = [
    "nightly_warehouse_batch",
    "notebook_exploration",
    "serverless_thumbnail",
    "api_on_kubernetes",
    "one_off_script",
    "integration_tests_everywhere",
    "desktop_labelling_tool",
    "hand_over_to_another_team",
]
MIN_WORDS = 8
