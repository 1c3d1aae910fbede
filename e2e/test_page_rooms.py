"""Rooms: one made in a page shows up in another page; a bad name is refused with a
message and goes nowhere."""
from harness import unique


def create_room(browser, name: str) -> None:
    box = browser.element("new_room_name")
    box.clear()
    box.send_keys(name)
    browser.element("new_room").click()


def test_a_new_room_is_joined_and_appears_in_the_other_page(open_chat, browsers):
    ann = browsers("ann").open(open_chat.server.url).join(unique("ann"))
    bob = browsers("bob").open(open_chat.server.url).join(unique("bob"))
    room = unique("Room")

    create_room(ann, room)
    ann.wait(lambda d: ann.element("room_title").text == room, "the new room to be the current one")
    assert room in ann.rooms()
    assert ann.element("new_room_name").get_attribute("value") == ""

    bob.wait(lambda d: room in bob.rooms(), "the room in the other page's list")
    # Speaking in it reaches whoever opens it.
    ann.send("first words in the new room")
    bob.select_room(room)
    bob.wait_text(room, "first words in the new room")
    assert bob.texts("main").count("first words in the new room") == 0


# (A name longer than 64 characters cannot even be typed: the field has maxlength=64.)
BAD_NAMES = ["has space", "slash/room", "plus+", "hash#", "été", "<b>x</b>", "dot.room"]


def test_bad_room_names_are_refused_with_a_message(open_chat, browsers):
    ann = browsers("ann").open(open_chat.server.url).join(unique("ann"))
    rooms_before = ann.rooms()
    for bad_name in BAD_NAMES:
        ann.driver.execute_script("document.getElementById('status').textContent = ''")
        create_room(ann, bad_name)
        ann.wait(lambda d: "room name" in ann.status(), f"a message about the room name {bad_name!r}")
        assert ann.driver.execute_script("return document.getElementById('status').dataset.kind") == "error"
        assert ann.element("new_room_name").get_attribute("value") == bad_name  # kept, to be corrected
    assert ann.rooms() == rooms_before
    assert ann.element("room_title").text == "main"
