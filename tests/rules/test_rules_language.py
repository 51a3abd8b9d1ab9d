"""The article's language: tags as pages and feeds write them, and the detector."""

from __future__ import annotations

import pytest
from rules_data import RFI_TEXT

from watchdesk.rules.language import article_language, detect, lang_matches, normalize_lang


@pytest.mark.parametrize(("tag", "normal"), [
    ("fr", "fr"), ("FR", "fr"), ("fr-FR", "fr-fr"), ("fr_FR", "fr-fr"), (" en-GB ", "en-gb"),
    ("ar", "ar"), ("", None), (None, None), ("français", None), ("x", None),
])
def test_normalize_lang(tag: str | None, normal: str | None) -> None:
    assert normalize_lang(tag) == normal


@pytest.mark.parametrize(("tag", "wanted", "ok"), [
    ("fr", "fr", True), ("fr-fr", "fr", True), ("fra", "fr", False), ("en", "fr", False),
    (None, "fr", False), ("fr", "fr-ca", False),
])
def test_lang_matches(tag: str | None, wanted: str, ok: bool) -> None:
    assert lang_matches(tag, wanted) is ok


@pytest.mark.parametrize(("text", "lang"), [
    (RFI_TEXT, "fr"),
    ("Une délégation militaire russe est arrivée à Benghazi pour rencontrer le maréchal "
     "Haftar, selon le ministère de la Défense.", "fr"),
    ("A Russian military delegation arrived in Benghazi on Tuesday to meet Khalifa Haftar, "
     "the commander of the eastern forces, according to the ministry.", "en"),
    ("وصل وفد عسكري روسي إلى بنغازي بدعوة من المشير خليفة حفتر قائد الجيش الوطني الليبي",
     "ar"),
    ("Российская военная делегация во главе с заместителем министра обороны прибыла в "
     "Бенгази", "ru"),
    ("Una delegación militar rusa llegó a Bengasi para reunirse con el mariscal Haftar, "
     "según el ministerio de la defensa.", "es"),
    ("Eine russische Militärdelegation ist in Bengasi eingetroffen, um sich mit dem "
     "Marschall Haftar zu treffen, und die Regierung ist nicht informiert.", "de"),
    ("Haftar", None),                      # too short to tell
    ("12 345 678 — 2023", None),
    ("Benghazi Tripoli Misrata Syrte Tobrouk Koufra Sebha Derna", None),  # names only
])
def test_detect(text: str, lang: str | None) -> None:
    assert detect(text) == lang


def test_article_language_order() -> None:
    arabic = "وصل وفد عسكري روسي إلى بنغازي بدعوة من المشير خليفة حفتر"
    assert article_language("fr-FR", "en", arabic) == "fr-fr"     # the page first
    assert article_language(None, "ar", "text") == "ar"           # then the feed
    assert article_language(None, None, "", arabic) == "ar"       # then detected
    assert article_language("", "not a tag!", "Haftar") is None
