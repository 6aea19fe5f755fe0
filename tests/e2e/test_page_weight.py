"""Issue 8: the first render of « Mon Compte » weighs 150 KB gzipped or less besides fonts (HTML, stylesheets and
the static module graph of frontend/dist, as ``make bench`` prints it: scripts/page_weight.py)."""

from scripts.page_weight import BUDGET, DIST, page_weight


def test_mon_compte_first_render_within_budget(built_frontend):
    weight = page_weight((DIST / "mon-compte.html").resolve())
    assert weight["total"] <= BUDGET["mon-compte.html"] == 150_000, weight


def test_first_render_counts_the_dsfr_and_leaves_out_the_lazy_dictionaries(built_frontend):
    files = page_weight((DIST / "mon-compte.html").resolve())["files"]
    expected = {"mon-compte.html", "dsfr/dsfr.min.css", "css/app.css", "dsfr/dsfr.module.min.js", "js/mon-compte.js"}
    assert expected <= set(files)
    # The zxcvbn dictionaries (chunks of more than 1 MB) are imported lazily, import("./chunk-….js"): not counted.
    assert all((DIST / name).stat().st_size < 500_000 for name in files), files
