"""The check-in's pure core: cleaning answers, their indicators and a group's tally."""

from supplychain.vocab import IloIndicator
from supplychain.voice import checkin


def test_clean_answers_keeps_only_the_options_of_known_questions():
    given = {"fees": "yes", "documents": "the boss", "employer": "3", "colour": "red"}
    assert checkin.clean_answers(given) == {"fees": "yes"}


def test_a_tally_counts_options_and_shares_of_signs():
    group = [{"documents": "employer", "fees": "no"}, {"documents": "me"}, {"fees": "unsure"}]
    counted = checkin.tally(group + [{"colour": "red"}])
    assert counted.answered == 4
    assert counted.counts["documents"] == {"employer": 1, "me": 1}
    assert counted.signs("documents") == 1 and counted.share("documents") == 0.5
    assert counted.share("threats") == 0.0  # nobody answered it
    assert not counted.shown and counted.more_needed == 1


def test_a_group_of_five_is_shown():
    counted = checkin.tally([{"paid": "no"}] * checkin.MIN_GROUP)
    assert counted.shown and counted.more_needed == 0
    assert counted.share("paid") == 1.0


def test_check_ins_are_grouped_by_employer():
    groups = checkin.by_employer([(7, {"paid": "no"}), (None, {}), (7, {"paid": "yes"})])
    assert groups[7].answered == 2 and groups[7].signs("paid") == 1
    assert groups[None].answered == 1 and set(groups) == {7, None}


def test_indicators_of_answers_each_once_with_the_unknown_employer_first():
    answers = {"documents": "employer", "paid": "no", "fees": "no"}
    assert checkin.indicators(answers, employer_known=False) == [
        IloIndicator.DECEPTION,
        IloIndicator.RETENTION_OF_IDENTITY_DOCUMENTS,
        IloIndicator.WITHHOLDING_OF_WAGES,
    ]
    assert checkin.indicators({}, employer_known=True) == []
