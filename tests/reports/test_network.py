"""The organization network as plain data, and its deterministic layout."""

from reportlab.graphics.shapes import String

from partnerdesk.reports.charts import LEGEND_HEIGHT, diagram_positions, network_diagram
from partnerdesk.reports.fonts import BOLD, REGULAR
from partnerdesk.services import Desk
from partnerdesk.services.network import build_network, layout


def test_nodes_and_edges(sample_desk: Desk) -> None:
    network = build_network(sample_desk)
    assert len(network.nodes) == 9
    kinds = {edge.kind for edge in network.edges}
    assert kinds == {"partnership", "referral", "resource"}
    referral = next(e for e in network.edges if e.kind == "referral" and e.category == "Food")
    assert network.node(referral.source).name == "Mercy General Hospital"
    assert len(referral.counts) == 6 and referral.total > 0
    food_only = build_network(sample_desk, categories=["food"])
    assert {e.category for e in food_only.edges if e.kind != "partnership"} == {"Food"}
    hospitals = build_network(sample_desk, kinds=["hospital", "community_group"])
    assert {n.kind for n in hospitals.nodes} == {"hospital", "community_group"}
    assert all(e.source in {n.id for n in hospitals.nodes} for e in hospitals.edges)
    assert build_network(sample_desk, statuses=["prospect"]).nodes[0].name == \
        "Harbor Community Foundation"


def test_layout_is_deterministic_and_honours_pins(sample_desk: Desk) -> None:
    network = build_network(sample_desk)
    first, second = layout(network), layout(network)
    assert first == second
    us = next(n.id for n in network.nodes if n.is_us)
    assert first[us] == (0.0, 0.0)
    assert all(-1 <= x <= 1 and -1 <= y <= 1 for x, y in first.values())
    assert len({(round(x, 2), round(y, 2)) for x, y in first.values()}) == len(first)
    other = next(n.id for n in network.nodes if not n.is_us)
    pinned = layout(network, fixed_positions={other: (5.0, -3.0)})
    assert pinned[other] == (5.0, -3.0)


def test_lowest_label_stays_clear_of_the_legend(sample_desk: Desk) -> None:
    network = build_network(sample_desk)
    shown = network.subset(network.linked_ids())
    # a node dragged to the very bottom of the frame: its two-line label must still end
    # above the legend box
    lowest = next(n.id for n in shown.nodes if not n.is_us)
    positions = diagram_positions(shown, {lowest: (0.0, -1.0)}, 504, 460)
    drawing = network_diagram(shown, positions, 504, 460)
    assert drawing.initialFontName == REGULAR
    strings = [node for node in drawing.contents if isinstance(node, String)]
    assert strings and all(node.fontName in (REGULAR, BOLD) for node in strings)
    legend_texts = [node for node in strings if node.y < LEGEND_HEIGHT]
    labels = [node for node in strings if node.y >= LEGEND_HEIGHT]
    assert len(legend_texts) == 5  # three kinds of link, ours and the others
    kind_line = min(node.y for node in labels)  # the lowest label's second line
    assert kind_line - 3 > LEGEND_HEIGHT + 4


def test_labels_in_other_scripts_take_the_fonts_that_have_them(sample_desk: Desk) -> None:
    """Issue 17: a partner named in Hebrew, Arabic or Devanagari is drawn in the Noto font
    for its script (DejaVu Sans has no Devanagari and draws none of them joined), as the
    rest of the report's text is."""
    network = build_network(sample_desk)
    shown = network.subset(network.linked_ids())
    names = {"עמותת הקהילה": "NotoSansHebrew", "جمعية الخير": "NotoSansArabic",
             "सेवा केंद्र": "NotoSansDevanagari"}
    others = [n for n in shown.nodes if not n.is_us][:3]
    for node, name in zip(others, names, strict=True):
        sample_desk.organizations.update(node.id, name=name)
    network = build_network(sample_desk)
    shown = network.subset(network.linked_ids())
    drawing = network_diagram(shown, diagram_positions(shown, {}, 504, 460), 504, 460)
    fonts = {node.fontName for node in drawing.contents if isinstance(node, String)}
    for font in names.values():
        assert any(name.startswith(font) for name in fonts), (font, fonts)
    # the Latin labels beside them keep the report's own font
    assert REGULAR in fonts
