"""The CCHC index demo: the sets' shape, the version comparison, a published round and
rounds under way with a sheet in every state, all readable through the pages."""
import pytest

from inspect_app.assessments import queries
from inspect_app.criteria import queries as criteria
from inspect_app.demo import DEMO_PASSWORD
from inspect_app.models import SHEET_STATES, AssessmentRound, CriteriaSet, NodeScore
from tests.helpers import location, text


def sign_in_demo(client, username):
    """Sign in with a demo account."""
    client.post("/logout")
    response = client.post("/login", data={"username": username, "password": DEMO_PASSWORD})
    assert location(response) == "/", username


@pytest.fixture
def demo(runner):
    """The demo, loaded once through the command."""
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output


def test_the_demo_sets_follow_the_public_structures(app, demo):
    commune = CriteriaSet.get(CriteriaSet.first_year == 2026,
                              CriteriaSet.name.contains("cấp xã"))
    tree = criteria.nodes(commune)
    depths = [node.depth for node in tree if node.kind == "regular"]
    assert (depths.count(0), depths.count(1), depths.count(2)) >= (8, 30, 60)
    assert criteria.set_total(tree) == 70
    assert commune.status == "published" and commune.predecessor.first_year == 2025
    comparison = criteria.compare(commune.predecessor, commune)
    assert comparison.added and comparison.changed and comparison.moved
    assert CriteriaSet.select().where(CriteriaSet.name.contains("chuyên môn")).exists()


def test_the_demo_rounds_show_every_state(app, client, demo):
    published = AssessmentRound.get(AssessmentRound.status == "published")
    under_way = AssessmentRound.get(AssessmentRound.name.contains("cấp xã năm 2026"))
    ranked = queries.ranking(published)["rows"]
    assert ranked and all(row["rank"] for row in ranked)
    states = {sheet.status for r in AssessmentRound.select().where(
        AssessmentRound.status == "open") for sheet in queries.round_sheets(r)}
    assert states == set(SHEET_STATES)
    # Last year's notes and evidence carried over to this year's sheets.
    assert NodeScore.select().where(NodeScore.self_note != "",
                                    NodeScore.self_points.is_null()).exists()
    sign_in_demo(client, "lanhdao")
    page = text(client.get(f"/assessments/{published.id}/ranking"))
    assert all(row["unit_name"] in page for row in ranked)
    for sheet in queries.round_sheets(under_way):
        assert client.get(f"/assessments/sheets/{sheet.id}").status_code == 200
    sign_in_demo(client, "hoaan")
    home = text(client.get("/"))
    assert under_way.name in home


def test_loading_the_demo_again_adds_no_sets_or_rounds(app, runner, demo):
    counts = (CriteriaSet.select().count(), AssessmentRound.select().count())
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    assert (CriteriaSet.select().count(), AssessmentRound.select().count()) == counts
