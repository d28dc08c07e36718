"""The CCHC index's arithmetic (scoring.py), on cases worked out by hand."""
from decimal import Decimal as D

from inspect_app import scoring
from inspect_app.formatting import format_points, format_score
from inspect_app.scoring import Answer, Node

# Two fields of 10 points: 1 = 1.1 (4) + 1.2 (6 = 1.2.1 (3) + 1.2.2 (3)); 2 = 2.1 (5) +
# 2.2 (5, not for this unit's kind); a bonus group capped at 2, a penalty group at 3.
TREE = [
    Node(1, None, "regular", D(10)), Node(11, 1, "regular", D(4)),
    Node(12, 1, "regular", D(6)), Node(121, 12, "regular", D(3)),
    Node(122, 12, "regular", D(3)),
    Node(2, None, "regular", D(10)), Node(21, 2, "regular", D(5)),
    Node(22, 2, "regular", D(5), applies=False),
    Node(8, None, "bonus", D(2)), Node(81, 8, "bonus", D("1.5")), Node(82, 8, "bonus", D("1.5")),
    Node(9, None, "penalty", D(3)), Node(91, 9, "penalty", D(3)),
]


def answers(**points):
    """{node id: Answer} from n<id>=points keywords; "na" marks not applicable."""
    return {int(key[1:]): Answer(na=True) if value == "na" else Answer(D(value))
            for key, value in points.items()}


def test_a_node_not_for_the_units_kind_rescales_the_total():
    sheet = scoring.score(TREE, answers(n11="4", n121="1.5", n122="3", n21="5"))
    # 13.5 earned of the 15 applicable points, scaled to the set's 20.
    assert (sheet.earned, sheet.applicable, sheet.total) == (D("13.5"), D(15), D(20))
    assert sheet.rescaled == D("18.00")
    assert sheet.nodes[22].na and sheet.nodes[2].applicable == D(5)
    assert sheet.missing == 0


def test_a_node_marked_not_applicable_takes_its_children_out_too():
    sheet = scoring.score(TREE, answers(n11="4", n12="na", n121="3", n21="2.5"))
    # 1.2 and its parts are out: 6.5 of 9, times 20 = 14.444... → 14.44.
    assert sheet.nodes[121].na and sheet.nodes[12].earned == 0
    assert sheet.applicable == D(9)
    assert sheet.rescaled == D("14.44")


def test_bonus_and_penalty_stay_within_their_caps_and_the_total():
    full = answers(n11="4", n121="3", n122="3", n21="5", n81="1.5", n82="1.5", n91="1")
    sheet = scoring.score(TREE, full)
    # Bonus 3 capped at 2; 20 + 2 − 1 = 21, kept at the set's total of 20.
    assert (sheet.bonus, sheet.penalty) == (D(2), D(1))
    assert sheet.appraised == D(20)
    harsh = scoring.score(TREE, answers(n11="1", n91="5"))
    # 1 of 15 → 1.33; the penalty 5 is capped at 3; the score stops at 0.
    assert harsh.penalty == D(3) and harsh.appraised == D(0)


def test_rounding_is_half_up_to_two_decimals():
    assert scoring.rounded(D("87.245")) == D("87.25")
    assert scoring.rounded(D("87.244")) == D("87.24")
    assert scoring.rounded(D("0.005")) == D("0.01")
    sheet = scoring.score(TREE, answers(n11="3.25", n121="3", n122="3", n21="4"))
    # 13.25 / 15 × 20 = 17.6666… → 17.67.
    assert sheet.rescaled == D("17.67")


def test_the_index_adds_the_survey_within_its_share():
    sheet = scoring.score(TREE, answers(n11="4", n121="1.5", n122="3", n21="5", n81="1",
                                        n91="0"))
    assert sheet.appraised == D(19)
    # 19 of 20 scaled to the 70 points the survey leaves: 66.5; plus 25.5 of 30.
    assert scoring.index(sheet, D("25.5"), D(30)) == D("92.00")
    # Survey points beyond the share count as the share; no survey share: 19/20 of 100.
    assert scoring.index(sheet, D(40), D(30)) == D("96.50")
    assert scoring.index(sheet, None, D(0)) == D("95.00")


def test_a_level_scored_node_and_a_weighted_sheet_reach_their_maximum():
    best = answers(n11="4", n121="3", n122="3", n21="5")
    sheet = scoring.score(TREE, best)
    assert sheet.nodes[121].earned == sheet.nodes[121].maximum == D(3)
    assert sheet.appraised == sheet.total == D(20)
    assert scoring.index(sheet, D(30), D(30)) == D(100)
    # An uneven share (27.5) still reaches 100 when everything is earned.
    assert scoring.index(sheet, D("27.5"), D("27.5")) == D(100)


def test_points_beyond_a_nodes_maximum_are_held_at_it():
    sheet = scoring.score(TREE, answers(n11="9", n121="3", n122="3", n21="5"))
    assert sheet.nodes[11].earned == D(4)
    assert sheet.nodes[1].earned == D(10)


def test_missing_scores_are_counted():
    sheet = scoring.score(TREE, answers(n11="4"))
    assert sheet.missing == 3  # 1.2.1, 1.2.2 and 2.1; 2.2 does not apply


def test_ties_share_a_rank_after_the_appraised_score_decides():
    rows = [{"name": "Xã Bình", "index": D("85.5"), "appraised": D(60)},
            {"name": "Xã An", "index": D("85.5"), "appraised": D(60)},
            {"name": "Xã Cát", "index": D("85.5"), "appraised": D("61.5")},
            {"name": "Xã Đông", "index": D(90), "appraised": D(55)},
            {"name": "Xã Êm", "index": D(70), "appraised": D(50)}]
    ranked = scoring.rank(rows)
    assert [(r["rank"], r["name"]) for r in ranked] == [
        (1, "Xã Đông"), (2, "Xã Cát"), (3, "Xã An"), (3, "Xã Bình"), (5, "Xã Êm")]


def test_bands_are_read_and_applied_from_their_lowest_index():
    bands = scoring.parse_bands("Tốt: 80; Xuất sắc: 90; Khá: 70; Trung bình: 50; Yếu: 0")
    assert [label for label, _lowest in bands] == ["Xuất sắc", "Tốt", "Khá", "Trung bình",
                                                    "Yếu"]
    assert scoring.band(D(90), bands) == "Xuất sắc"
    assert scoring.band(D("89.99"), bands) == "Tốt"
    assert scoring.band(D("49.99"), bands) == "Yếu"
    for wrong in ("", "Tốt: 80", "Tốt: 80; Khá: 80; Yếu: 0", "Tốt: 101; Yếu: 0",
                  "Tốt; Yếu: 0", "Tốt: 80,555; Yếu: 0"):
        assert scoring.parse_bands(wrong) is None, wrong


def test_points_are_written_the_vietnamese_way():
    assert format_score(D("87.25")) == "87,25"
    assert format_score(D(90)) == "90,00"
    assert format_points(D("0.50")) == "0,5"
    assert format_points(D("1.00")) == "1"
    assert format_points(None) == ""
    assert scoring.parse_points("87,25") == D("87.25")
    assert scoring.parse_points("abc") is None and scoring.parse_points("inf") is None
