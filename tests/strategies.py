"""Hypothesis strategies and settings shared by the bad-input tests."""

from __future__ import annotations

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# One app and one signed-in client serve all of a test's examples (a database per example
# would make them slow); every example checks its own before and after.
EXAMPLES = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Text a hostile or careless file holds: markup, formulas, control and wide characters.
nasty = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "",
            " ",
            "<script>alert(1)</script>",
            '=HYPERLINK("http://x")',
            "+1",
            "-0",
            "1e309",
            "NaN",
            "12,5",
            "١٢",
            "\x00",
            "LV",
            "lv",
            "XX",
            "F41.20",
            "N78.20",
            "labour_hire",
            "subcontract",
            "supply",
            "agency",
            "company",
            "S1",
            "S2",
            "999999999999999999999",
        ]
    ),
)
