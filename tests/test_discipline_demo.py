"""The demo data holds disciplinary cases in every state, opened from demo findings."""
from inspect_app import clock
from inspect_app.discipline.queries import is_overdue, measures_offered
from inspect_app.models import CASE_STATES, DisciplineCase, DisciplineCaseFinding


def test_demo_has_cases_in_every_state_linked_to_demo_findings(runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    cases = list(DisciplineCase.select())
    assert {case.status for case in cases} == set(CASE_STATES)
    assert any(case.extended for case in cases)
    assert any(is_overdue(case, clock.today()) for case in cases)
    linked = {link.case_id for link in DisciplineCaseFinding.select()}
    assert len(linked) >= len(CASE_STATES)
    decided = next(case for case in cases if case.status == "decided")
    assert decided.measure in measures_offered(decided.person_type, decided.decision_date)


def test_loading_the_demo_again_adds_no_cases(runner):
    runner.invoke(args=["demo", "load"])
    count = DisciplineCase.select().count()
    again = runner.invoke(args=["demo", "load"])
    assert again.exit_code == 0, again.output
    assert DisciplineCase.select().count() == count
