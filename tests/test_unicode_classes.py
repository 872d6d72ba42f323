"""The personal-number detector's Unicode classes are generated once; they must match this Python.

``gongkai/unicode_classes.py`` holds the code points the detector reads as
digits, as the check character X and as nothing, so that no process spends a
fifth of a second asking ``unicodedata`` about every code point. When Python's
Unicode database changes (a Python upgrade), this test fails and says how to
regenerate the module; the site itself then still reads the database (slower,
never weaker).
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from gongkai import privacy, unicode_classes

GENERATED = Path(privacy.__file__).parent / "unicode_classes.py"
HOW = 'regenerate it: .venv/bin/python -c "from gongkai import privacy; privacy.write_unicode_classes()"'


def test_generated_module_matches_this_pythons_unicode_database():
    assert unicodedata.unidata_version == unicode_classes.UNIDATA_VERSION, (
        f"unicode_classes.py was generated for Unicode {unicode_classes.UNIDATA_VERSION}, "
        f"this Python has {unicodedata.unidata_version}; {HOW}")
    assert GENERATED.read_text(encoding="utf-8") == privacy.unicode_classes_source(), (
        f"unicode_classes.py differs from what the Unicode database says; {HOW}")


def test_detector_uses_exactly_the_database_classes():
    kinds = privacy.scan_unicode()
    assert privacy._unicode_kinds() == (kinds["digits"], kinds["xs"], kinds["invisible"])
    # the forms the module docstring promises, spot-checked through the detector itself
    for shown in ("１１０１０５１９４９１２３１００２Ｘ", "11010519491231002\u2169", "1101\u200b05194912310\u034f02X",
                  "\U0001d7cf10105194912310\U0001d7ce2X"):
        assert [f.code for f in privacy.find(shown)] == [privacy.ID_NUMBER], shown


def test_a_python_with_another_unicode_version_reads_the_database(monkeypatch):
    monkeypatch.setattr(unicode_classes, "UNIDATA_VERSION", "0.0.0")
    kinds = privacy.scan_unicode()
    assert privacy._unicode_kinds() == (kinds["digits"], kinds["xs"], kinds["invisible"])
