"""test_log_tags.py: every RZ_LOGNO tag in the sources is used once and listed in docs/log-tags.md."""
import pathlib
import re
from collections import Counter

ROOT = pathlib.Path(__file__).resolve().parents[2]


def source_tags():
    tags = []
    for path in (ROOT / "mod_ruzizi").rglob("*.c"):
        tags += re.findall(r"RZ_LOGNO\((\d{5})\)", path.read_text())
    return tags


def test_every_tag_is_unique():
    dupes = [t for t, n in Counter(source_tags()).items() if n > 1]
    assert dupes == [], f"log tags used at more than one call site: {dupes}"


def test_tags_and_docs_agree():
    documented = set(re.findall(r"\|\s*RZ(\d{5})\s*\|", (ROOT / "docs" / "log-tags.md").read_text()))
    used = set(source_tags())
    assert used, "no RZ_LOGNO tags found: the scan is broken"
    assert used - documented == set(), "tags missing from docs/log-tags.md"
    assert documented - used == set(), "docs/log-tags.md lists tags no longer in the code"
