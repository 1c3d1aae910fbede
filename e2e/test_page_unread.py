

def test_jump_to_the_first_unread_message(open_chat, browsers):
    chat = open_chat
    room, nick = unique("many"), unique("reader")
    chat.publish([(f"rooms/{room}/newtext", newtext("sam", "read before", f"{room}-r"))])
    reader = browsers("reader").open(chat.server.url).join(nick)
    reader.wait(lambda d: room in reader.rooms(), "the room")
    reader.select_room(room)
    reader.select_room("main")
    missed = [f"unread {i}" for i in range(60)]
    now = int(time.time() * 1000)
    chat.publish([(f"rooms/{room}/newtext", newtext("sam", text, f"{room}-u{i}", now + i)) for i, text in enumerate(missed)])
    reader.wait(lambda d: d.execute_script(BADGE, room) == "60", "60 unread")

    reader.select_room(room)  # opens at its end: the line is far above
    reader.wait(lambda d: reader.element("jump_unread").is_displayed(), "the jump-to-first-unread button")
    reader.element("jump_unread").click()
    reader.wait(lambda d: d.execute_script(
        "const line = document.querySelector('#all_texts .log:not([hidden]) .new-line').getBoundingClientRect();"
        "const area = document.getElementById('all_texts').getBoundingClientRect();"
        "return line.top >= area.top - 1 && line.bottom <= area.bottom")
        and not reader.element("jump_unread").is_displayed(), "the 'new messages' line in view")
    assert reader.driver.execute_script(AFTER_LINE, room) == "unread 0"
