"""Messages from clients that are not the page (a sensor, a script with mosquitto_pub)
show up like any other, with or without the newer "id"/"ts" fields."""
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
