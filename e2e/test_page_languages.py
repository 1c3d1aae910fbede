"""Issue 19, "Languages": a browser in French gets the page in French (the join form, the
chat, its day separators, search counts and the status line), the switch `#language` is
on the join form and in the chat (at the foot of the online list), and choosing English there reloads the page in English
(the choice kept). Screenshots in French at phone and desktop sizes go to test-output/,
and the longer French strings must not push anything out of the window."""
from selenium.webdriver.support.ui import Select

from harness import ROOT, newtext, unique

OUT = ROOT / "test-output"

# What the page shows of the words that matter here, whatever the language.
WORDS = """
const text = (selector) => document.querySelector(selector)?.textContent.trim() ?? null;
return {
  lang: document.documentElement.lang,
  passphrase: text('label[for="passphrase"]'),
  join: text('#join'),
  rooms: text('#all_rooms h2'),
  send: text('#input_form button[type="submit"]'),
  placeholder: document.getElementById('input_text').placeholder,
  search: document.getElementById('search').placeholder,
  switchIn: document.getElementById('language').closest('#join_form') ? 'join_form'
    : document.getElementById('language').closest('#chat .nicks') ? 'online' : null,
  choice: document.getElementById('language').value,
};
"""

# Elements that are shown and stick out of the window sideways (a longer word pushing them).
OUT_OF_VIEW = """
const out = [];
if (document.documentElement.scrollWidth > innerWidth + 1) out.push(`page ${document.documentElement.scrollWidth}px wide`);
for (const el of document.querySelectorAll('button, input, select, textarea, label, h1, h2')) {
  const r = el.getBoundingClientRect();
  if (r.width === 0 || el.closest('ul, .results')) continue;  // hidden; lists scroll by themselves
  if (r.left < -1 || r.right > innerWidth + 1) out.push(`${el.id || el.className || el.tagName} ${r.left.toFixed(0)}..${r.right.toFixed(0)}`);
}
return out;
"""


def words(page) -> dict:
    return page.driver.execute_script(WORDS)


def test_the_page_in_french_and_back_to_english(open_chat, browsers):
    room = unique("fr")
    open_chat.publish([(f"rooms/{room}/newtext", newtext("sam", f"bonjour numéro {i}", f"{room}-{i}")) for i in range(3)])
    OUT.mkdir(exist_ok=True)

    # A phone in French: the join form in French, the switch on it.
    phone = browsers("phone", lang="fr-FR")
    phone.emulate(390, 844)
    phone.open(open_chat.server.url)
    seen = words(phone)
    assert seen["lang"] == "fr" and seen["choice"] == "fr" and seen["switchIn"] == "join_form", seen
    assert (seen["passphrase"], seen["join"]) == ("Phrase secrète", "Entrer"), seen
    assert [o.text for o in Select(phone.element("language")).options] == ["English", "Français"]
    assert phone.driver.execute_script(OUT_OF_VIEW) == []
    assert phone.driver.save_screenshot(str(OUT / "languages-fr-phone-join.png"))

    # A name the page refuses: the reason in French.
    phone.element("nick").send_keys("a/b")
    phone.element("join").click()
    phone.wait(lambda d: phone.status().startswith("Un pseudo ne peut pas contenir"), "the refusal in French")

    # The chat in French, the switch at the foot of the rooms.
    phone.element("remember").click()
    phone.join(unique("zoé"))
    phone.wait(lambda d: room in phone.rooms(), "the room")
    phone.select_room(room)
    seen = words(phone)
    assert seen["rooms"] == "Salons" and seen["send"] == "Envoyer" and seen["switchIn"] == "online", seen
    assert seen["placeholder"] == "Message (Entrée pour envoyer)" and seen["search"] == "Chercher (from:pseudo)", seen
    day = phone.driver.execute_script(
        f"return document.querySelector('#all_texts .log[data-room=\"{room}\"] [data-day-label]')?.dataset.dayLabel")
    assert day == "Aujourd’hui", day
    # A count through Intl.PluralRules, the query in French quotes.
    phone.element("search").send_keys("bonjour\n")
    count = "return document.querySelector('#search_results .results-count')?.textContent ?? ''"
    phone.wait(lambda d: d.execute_script(count).startswith("3 résultats pour «\u00a0bonjour\u00a0»"), "the count in French")
    phone.element("search").send_keys("\ue00c")  # Escape closes the results
    assert phone.driver.execute_script(OUT_OF_VIEW) == []
    assert phone.driver.save_screenshot(str(OUT / "languages-fr-phone-chat.png"))

    # The switch in the chat: English, the page loaded again, still joined (remembered).
    Select(phone.element("language")).select_by_value("en")
    phone.wait(lambda d: d.execute_script("return document.documentElement.lang") == "en", "the page in English")
    phone.wait_joined()
    seen = words(phone)
    assert seen["rooms"] == "Rooms" and seen["send"] == "Send" and seen["choice"] == "en", seen
    assert phone.driver.execute_script("return localStorage.getItem('chatt-language')") == "en"

    # A desktop in French: both screens fit, the chat's three columns with the longer words.
    desk = browsers("desk", width=1200, height=800, lang="fr")
    desk.open(open_chat.server.url)
    assert words(desk)["lang"] == "fr"
    assert desk.driver.execute_script(OUT_OF_VIEW) == []
    assert desk.driver.save_screenshot(str(OUT / "languages-fr-desktop-join.png"))
    desk.join(unique("léa"))
    desk.wait(lambda d: room in desk.rooms(), "the room")
    desk.select_room(room)
    assert words(desk)["rooms"] == "Salons"
    assert desk.driver.execute_script(OUT_OF_VIEW) == []
    assert desk.driver.save_screenshot(str(OUT / "languages-fr-desktop-chat.png"))
