"""test_language.py: the language switch (data-lang): <html lang>, the texts, kept input, remembered across reloads and apps."""
from conftest import i18n

FR, EN = i18n("fr"), i18n("en")


def test_switch_changes_lang_and_text_keeps_input_and_is_remembered(page, web):
    page.go("/")
    page.until(lambda: page.value("checkIn"), "the search form")
    assert page.lang() == "fr"
    assert page.text("h1") == FR["search.title"]
    assert page.find("[data-lang=fr]").get_attribute("aria-pressed") == "true"
    page.fill("guests", "3")
    page.click("[data-lang=en]")
    page.until(lambda: page.lang() == "en", "<html lang=en>")
    assert page.text("h1") == EN["search.title"]
    assert page.find("label[for='" + page.find("[name=guests]").get_attribute("id") + "']").text == EN["search.guests"]
    assert page.value("guests") == "3", "switching language lost what was typed"
    assert page.find("[data-lang=en]").get_attribute("aria-pressed") == "true"
    page.reload()
    page.until(lambda: page.text("h1") == EN["search.title"], "the English title after a reload")
    assert page.lang() == "en"
    page.go("/admin/login")
    page.until(lambda: page.text("h1") == EN["login.title"], "the English login page")
    assert page.lang() == "en"
    page.click("[data-lang=fr]")
    page.until(lambda: page.text("h1") == FR["login.title"], "the French login page")
    assert page.lang() == "fr"
    assert page.storage("local", "rz.lang") == "fr"


def test_french_is_the_default_whatever_the_browser_says(page, web):
    assert page.js("return navigator.language").startswith("en")  # Chromium's own default here
    page.go("/admin/login")
    page.until(lambda: page.text("h1") == FR["login.title"], "the French login page")
    assert page.lang() == "fr"
