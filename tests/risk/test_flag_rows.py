"""The stored rows of flags stay byte for byte what they were: a flag's fingerprint keys the
decisions taken on it, and its JSON is what the pages and the report read back.

The digests were computed on the code before the rule contract changed (issue 21: rules return
findings, the flag set encodes them); a change that alters any fingerprint, column or JSON text
of these chains fails here. Pure inputs, no database.
"""

from __future__ import annotations

import hashlib
import json

from supplychain.risk.engine import evaluate
from supplychain.risk.findings import InvitationFacts, ResponseFacts, ScreeningFacts
from tests.risk.builders import NOW, chain
from tests.risk.test_rule_cases import CASES, self_assessment


def _digest(found) -> str:
    rows = list(found.rows(7, 11, set()))
    assert len(rows) == len(found)
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode()).hexdigest()


def _mixed():
    """One chain on which most rules raise something, several of them many times."""
    answers = {
        "uses_subcontractors": "no",
        "identity_documents": "held",
        "recruitment_fees": "yes",
        "hourly_rate": "3.20",
        "contract_workers": 12,
        "own_employees": 1,
        "pay_method": ["cash"],
    }
    edges = [
        (0, 1, "subcontract", 20, 20000, 4000),
        (1, 2, "subcontract", 19, 3000, 1000),
        (2, 3, "labour_hire", 10),
        (3, 4, "labour_hire", 10),
        (4, 5),
        (5, 6),
        (6, 5),
        (0, 7, "labour_hire"),
        (7, 8, "supply"),
        (1, 9, "subcontract", 30),
        (9, 10, "subcontract", 2),
    ]
    suppliers = {
        1: {"sector": "F41.20"},
        2: {"country": "EE", "sector": "N81.21"},
        3: {"is_agency": True, "country": "UZ"},
        4: {"is_agency": True, "country": "UA", "employees": None},
        5: {"sector": "F43.99"},
        7: {"is_agency": True, "employees": 0},
        9: {"country": "PL", "employees": 1},
        11: {"name": "Roka SIA", "code": "P-D1"},
    }
    late = InvitationFacts(NOW.replace(year=2025), submitted=False, revoked=False)
    check = ScreeningFacts("lv", "tax-debtors", "failed", "failed", "2026-01-05", "A", "")
    expired = ScreeningFacts("lv", "tax-debtors", "expired", "passed", "2025-01-05", "", "x")
    return chain(
        edges,
        suppliers=suppliers,
        responses={1: ResponseFacts(self_assessment(), answers)},
        invitations={2: late, 5: late},
        disclosed={1: ((11, "subcontract"), (12, "labour_hire"))},
        screening={2: (check,), 9: (expired,)},
    )


WORKER_RULES = {"worker-report", "worker-check-in", "workers-unknown-employer"} | {
    "workers-contradict-answers"
}


def test_the_rows_of_a_mixed_chain_are_as_they_were():
    found = evaluate(_mixed())
    # Every rule but the workers' reports, which came after these digests (their own case is
    # pinned below).
    assert {f.rule for f in found} == set(CASES) - WORKER_RULES
    assert _digest(found) == MIXED


def test_a_flag_set_tells_which_fingerprints_it_holds():
    found = evaluate(_mixed())
    assert all(key in found for key in found.fingerprints)
    assert "0" * 64 not in found
    # Kept as digests, asked for as the hex text stored: anything else is no fingerprint.
    assert all(key not in found for key in ("z" * 64, found.fingerprints[0][:63], None))


def test_a_flag_set_gives_its_fingerprints_as_the_hex_text_stored():
    found = evaluate(_mixed())
    keys = found.fingerprints
    assert len(keys) == len(found) and keys[0] == next(iter(keys)) == found[0].fingerprint
    assert keys[1:3] == [found[1].fingerprint, found[2].fingerprint]


def test_a_flag_set_settles_the_flags_stored_open_already():
    found = evaluate(_mixed())
    keys = list(found.fingerprints)
    # (fingerprint, id) of the open flags stored: one raised again, one this set does not raise
    assert found.settle([(keys[0], 1), ("0" * 64, 2), ("not hex", 3)]) == [2, 3]
    assert [row[1] for row in found.rows(7, 9)] == keys[1:]  # the stored one is not written again
    assert [row[1] for row in found.rows(7, 9, skip={keys[1]})] == keys[2:]


def test_the_rows_of_every_rule_case_are_as_they_were():
    digests = {rule_id: _digest(evaluate(case.raises())) for rule_id, case in sorted(CASES.items())}
    assert digests == BY_CASE


MIXED = "c2639dd01c94f84f99f44953efe46f2a5d2a2436023162a3395df2f95755e93c"
BY_CASE = {
    "answer": ("8713f98c020e499b89f9cb9174a065e093d151d6cf58074ab4dba2875b85685d"),
    "chain-cycle": ("1e7a56a048aee6c7d40dd2b955d5887fcc0ebd83e5f9512b65d9d2472f68c0d6"),
    "chain-depth": ("e502dcc168918903be5d26be3cc49d5f0a974021e5f65d6699fb3c023723eee8"),
    "cross-border": ("600b7c68af91e01b4641a6326079a097fc0a645084e9d0bd1e1c63d1bf6d5a3b"),
    "high-risk-sector": ("3e500ecd25c04eca48c7f92847c386ae1e14a88ab96dcaa653fc88d15849d0a5"),
    "intermediary-chain": ("87a6810b5213051780542f37826e0840d778ad41c527d94ce04399fa174ce3b1"),
    "labour-cost-below-minimum": (
        "50f1f4a1deaefae02f3578fe8cde35faba2056614c6a4102f24118f808b31712"
    ),
    "labour-hire": ("6103a39001db25f6dcf5ccb645d706ccbb503027760bd6182bc86adf50d19424"),
    "labour-hire-deep": ("50c6e7e0edfbc756ffb7e7be46e0623394985274f0932836728bc2af049cd72b"),
    "no-response": ("93fafb739485400aa90cd00aa10b2756de0782ba225c70f3827d4f72fccdf25b"),
    "pass-through": ("d41029c54caeb857600c71cdaba9e6e464d1539651db7282c2367310d7905a6f"),
    "pay-below-minimum": ("5279a1593cc5534c206ae1530e205e9716aba2c0c20227c9a272a1b2bb61c5ae"),
    "possible-forced-labour": ("130f2cb5e769189de8a202e632cd29903da49cddbec2b7a52a09aebe636d3248"),
    "screening-check": ("994204b42fae700edfef626d193faf8b9a99604088d00f68719a914e08ee6ce2"),
    "unassessed": ("95e920101ed02548997402e062acd3b1a8ae265145bf571196321c684c20600f"),
    "undisclosed-subcontracting": (
        "e06a72f2ff86d17989cdea37b3eb6d2c46571676ef09c9e50e5326176ae494cd"
    ),
    "unknown-subcontracting": ("db9c6343550ba5d544128509da7abd764fb2e11e08a138999073a0ba83e01765"),
    "worker-report": ("4e3a77bb1a094f98618757652ce16b678ae03a5a7e350d6b182c92118f329721"),
    "worker-check-in": ("66c767380038832c4df04b39f45a9178be4e31fb4d86e5051a95d4df873b9b0c"),
    "workers-contradict-answers": (
        "ac74781313db5e5732e22000070a159a74dcc47746339c81fea8d42dbf651be5"
    ),
    "workers-unknown-employer": (
        "0cfd3cec829c7f92d9baf205fe750f113256c69b084eb4b429d0a3c769571380"
    ),
}


def test_the_fast_encoder_writes_what_the_json_encoder_writes():
    """findings.to_json calls the C encoder directly; it must write _JSON.encode's text."""
    from datetime import date
    from decimal import Decimal

    from supplychain.risk.findings import _JSON, shared, to_json

    values = [
        {"path": [0, 1, 22], "facts": {"x": None, "y": True, "z": 1.5, "w": float("inf")}},
        {"answers": [{"answer": ["cash", 'ā"\\\n'], "n": Decimal("3.20")}], "d": date(2026, 1, 2)},
        {"labels": {"en": "Cleaning", "lv": "Tīrīšana"}, 3: -0.0, "e": [], "f": {}},
        [1, "two", [3.25e-10, {"k": 12345678901234567890}]],
    ]
    for value in values:
        assert to_json(value) == _JSON.encode(value) == shared(value)


def test_a_value_that_is_neither_a_mapping_nor_a_list_is_written_as_json_writes_it():
    from decimal import Decimal

    from supplychain.risk.findings import to_json

    assert to_json(("LV", 1)) == '["LV",1]'
    assert to_json("Rīga") == '"Rīga"'
    assert to_json(Decimal("3.20")) == '"3.20"'
