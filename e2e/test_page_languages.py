"""Issue 19, "Languages": a browser in French gets the page in French (the join form, the
chat, its day separators, search counts and the status line), the switch `#language` is
on the join form and in the chat (at the foot of the online list), and choosing English
there reloads the page in English (the choice kept). In the French chat, with the message
toolbar open and search results shown, no text, title, placeholder or aria-label is an
English catalog text. Screenshots in French at phone and desktop sizes go to
test-output/, and the longer French strings must not push anything out of the window."""
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
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


# Every text of the page that is an English catalog text (one that French says otherwise):
# text nodes and the title, placeholder and aria-label of every element, hidden or not.
ENGLISH_LEFT = r"""
const done = arguments[arguments.length - 1];
Promise.all([import('./static/js/locales/en.js'), import('./static/js/locales/fr.js')]).then(([en, fr]) => {
  const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // Texts that differ between the languages and hold words (not just placeholders and punctuation).
  const english = Object.keys(en.default).filter((key) => en.default[key] !== fr.default[key]
    && /[A-Za-z]/.test(en.default[key].replace(/\{\w+\}/g, ''))).map((key) =>
    [key, new RegExp(`^${escape(en.default[key]).replace(/\\\{\w+\\\}/g, '.+')}$`)]);
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.parentElement.closest('.text, .quote-text, .room-name, .author, .nick, option')) texts.push(node.data.trim());
  }
  for (const el of document.querySelectorAll('[title], [placeholder], [aria-label]')) {
    for (const name of ['title', 'placeholder', 'aria-label']) if (el.hasAttribute(name)) texts.push(el.getAttribute(name).trim());
  }
  const left = [];
  for (const text of texts) {
    if (text === '') continue;
    const found = english.find(([, pattern]) => pattern.test(text));
    if (found) left.push(`${found[0]}: ${text}`);
  }
  done(left);
}, (error) => done([`catalogs not loaded: ${error}`]));
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
    # Nothing left in English: with the message toolbar open and search results shown.
    node = desk.driver.find_element(By.CSS_SELECTOR, f'#all_texts .log[data-room="{room}"] .msg')
    ActionChains(desk.driver).move_to_element(node).perform()
    desk.wait(lambda d: node.find_elements(By.CSS_SELECTOR, ".msg-actions"), "the message toolbar")
    desk.element("search").send_keys("bonjour\n")
    desk.wait(lambda d: desk.element("search_results").is_displayed(), "the search results")
    assert desk.driver.execute_async_script(ENGLISH_LEFT) == []
    assert desk.driver.execute_script(OUT_OF_VIEW) == []
    assert desk.driver.save_screenshot(str(OUT / "languages-fr-desktop-chat.png"))
