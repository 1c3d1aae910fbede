"""Messages from clients that are not the page (a sensor, a script with mosquitto_pub)
show up like any other, with or without the newer "id"/"ts" fields."""
import datetime
import json
import subprocess

from harness import unique


def mosquitto_pub(chat, topic: str, payload: str) -> None:
    subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(chat.broker.port), "-q", "1",
                    "-t", topic, "-m", payload], check=True, timeout=15)


def test_a_message_from_mosquitto_pub_appears(open_chat, browsers):
    room = unique("sensors")
    reader = browsers("reader").open(open_chat.server.url).join(unique("reader"))

    mosquitto_pub(open_chat, "rooms/main/newtext", '{"author":"sensor","text":"hi"}')
    reader.wait(lambda d: any(m["author"] == "sensor" and m["text"] == "hi" for m in reader.messages("main")),
                "the sensor's message in main")

    # A room the page never heard of appears with the first message in it; unknown fields are ignored.
    mosquitto_pub(open_chat, f"rooms/{room}/newtext",
                  json.dumps({"author": "thermometer", "text": "21.5 °C", "unit": "C", "ts": 1_700_000_000_000}))
    reader.wait(lambda d: room in reader.rooms(), "the sensor's room in the list")
    reader.select_room(room)
    assert [(m["author"], m["text"]) for m in reader.messages(room)] == [("thermometer", "21.5 °C")]


def test_v2_events_make_no_room_and_absurd_times_show_the_arrival_time(open_chat, browsers):
    """Issue 23: `rooms/ghost/typing` and `rooms/ghost2/react` added rooms to memorize and to
    every page; a `ts` of 1 showed as 1970, and a message without `ts` showed no time."""
    reader = browsers("reader").open(open_chat.server.url).join(unique("reader"))
    ghost, ghost2 = unique("ghost"), unique("ghost")
    mosquitto_pub(open_chat, f"rooms/{ghost}/typing", json.dumps({"author": "eve", "ts": 1}))
    mosquitto_pub(open_chat, f"rooms/{ghost2}/react",
                  json.dumps({"author": "eve", "id": "r1234567", "ts": 1, "target": "x", "emoji": "👍", "on": True}))
    mosquitto_pub(open_chat, "rooms/main/newtext", json.dumps({"author": "sensor", "text": "from 1970", "ts": 1}))
    mosquitto_pub(open_chat, "rooms/main/newtext", '{"author":"sensor","text":"no time at all"}')
    reader.wait_text("main", "no time at all")
    assert ghost not in reader.rooms() and ghost2 not in reader.rooms()

    shown = {m["text"]: m["time"] for m in reader.messages("main")}
    this_year = str(datetime.datetime.now(datetime.timezone.utc).year)
    for text in ("from 1970", "no time at all"):
        assert shown[text] is not None and shown[text].startswith(this_year), shown

    # memorize agrees: no ghost room in the history, and the receive time for the absurd ts.
    reader.wait(lambda d: open_chat.stored("main", "no time at all"), "memorize to store the marker")
    info = open_chat.lastinfo()
    assert ghost not in info["rooms"] and ghost2 not in info["rooms"]
    stored = {entry[1]: entry[2] for entry in info["messages"]["main"]}
    assert stored["from 1970"] > 1_700_000_000_000
