"""Documentation generated from code stays current."""

from pathlib import Path

from pipelines.contracts_doc import render


def test_contracts_doc_matches_the_pandera_models():
    committed = (Path(__file__).parent.parent / "docs" / "contracts.md").read_text(encoding="utf-8")
    assert committed == render(), "run `.venv/bin/urbanlake contracts > docs/contracts.md`"
