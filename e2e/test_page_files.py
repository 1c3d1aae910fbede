"""Issue 19, photos and files: a member picks a photo with the 📎 button (its file input,
`#upload_file`), the page re-encodes the JPEG without its EXIF block, uploads it to
chatt-server with a progress bar and sends `:img:(/data/files/<sha256>/<name>#w=…&h=…)`;
both pages show the picture at its size (the box has its shape before it loads), fetched
with the chat's credentials. A refused upload shows the server's reason. Runs on a
protected chat, so every file request needs HTTP Basic."""
import base64
import hashlib
import re
import tempfile
import urllib.request
from pathlib import Path

import pytest

from conftest import PASSPHRASE
from harness import newtext, unique, wait_until

# Marker bytes standing for a photo's GPS position in its EXIF block.
LOCATION = b"GPS 48.8584N 2.2945E"

MAKE_JPEG = """
const [width, height, done] = arguments;
const canvas = document.createElement('canvas');
canvas.width = width; canvas.height = height;
const context = canvas.getContext('2d');
context.fillStyle = '#2a7'; context.fillRect(0, 0, width, height);
context.fillStyle = '#fc3'; context.fillRect(10, 10, width / 2, height / 2);
canvas.toBlob((blob) => {
  const reader = new FileReader();
  reader.onload = () => done(reader.result.split(',')[1]);
  reader.readAsDataURL(blob);
}, 'image/jpeg', 0.9);
"""

IMAGE_BOX = """
const img = [...document.querySelectorAll('#all_texts img.file-image')].find((i) => i.alt === arguments[0]);
if (!img) return null;
const box = img.getBoundingClientRect();
return { width: img.getAttribute('width'), height: img.getAttribute('height'), boxWidth: box.width,
         boxHeight: box.height, loaded: img.complete && img.naturalWidth > 0, naturalWidth: img.naturalWidth,
         src: img.getAttribute('src') ?? '', file: img.dataset.file };
"""


def with_exif(jpeg: bytes) -> bytes:
    """The JPEG with an APP1 (EXIF) segment after its SOI, holding LOCATION."""
    body = b"Exif\x00\x00" + b"MM\x00*\x00\x00\x00\x08" + LOCATION
    return jpeg[:2] + b"\xff\xe1" + (len(body) + 2).to_bytes(2, "big") + body + jpeg[2:]


def fetch(chat, path: str) -> bytes:
    login, password = chat.credentials
    request = urllib.request.Request(chat.server.url + path.lstrip("/"))
    request.add_header("Authorization", "Basic " + base64.b64encode(f"{login}:{password}".encode()).decode())
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read()


@pytest.fixture
def folder():
    with tempfile.TemporaryDirectory(prefix="chatt-e2e-files-") as path:
        yield Path(path)


def test_a_photo_is_sent_without_its_location_and_both_pages_show_it_at_its_size(protected_chat, browsers, folder):
    room = unique("photos")
    protected_chat.publish([(f"rooms/{room}/newtext", newtext("sam", "the photo room"))])
    ann = browsers("ann").open(protected_chat.server.url).join(unique("ann"), PASSPHRASE)
    bob = browsers("bob").open(protected_chat.server.url).join(unique("bob"), PASSPHRASE)
    for page in (ann, bob):
        page.wait(lambda d, page=page: room in page.rooms(), "the room")
        page.select_room(room)

    jpeg = with_exif(base64.b64decode(ann.driver.execute_async_script(MAKE_JPEG, 320, 200)))
    assert LOCATION in jpeg
    photo = folder / "holiday photo.jpg"
    photo.write_bytes(jpeg)

    assert ann.element("upload").get_attribute("aria-label"), "the 📎 button has an accessible name"
    assert not ann.element("upload_keep_original").is_selected(), "the location is dropped unless asked"
    ann.element("upload_file").send_keys(str(photo))

    for page in (ann, bob):
        page.wait(lambda d, page=page: (page.driver.execute_script(IMAGE_BOX, "holiday photo.jpg") or {}).get("loaded"),
                  "the photo to show")
        box = page.driver.execute_script(IMAGE_BOX, "holiday photo.jpg")
        assert (box["width"], box["height"]) == ("320", "200"), box
        assert box["naturalWidth"] == 320
        assert abs(box["boxWidth"] / box["boxHeight"] - 1.6) < 0.02, f"the box has the photo's shape: {box}"
        assert box["src"].startswith("blob:"), "fetched with the chat's credentials"
    assert ann.element("upload_bar").get_attribute("hidden") is not None, "the progress bar goes when done"

    # The message an original client reads: :img:(url) with the size in the fragment.
    wait_until(lambda: any(":img:(/data/files/" in entry[1] for entry in protected_chat.lastinfo()["messages"].get(room, [])),
               what="memorize to store the message")
    text = next(entry[1] for entry in protected_chat.lastinfo()["messages"][room] if ":img:(" in entry[1])
    match = re.fullmatch(r":img:\((/data/files/([0-9a-f]{64})/holiday%20photo\.jpg)#w=320&h=200\)", text)
    assert match, text
    stored = fetch(protected_chat, match.group(1))
    assert hashlib.sha256(stored).hexdigest() == match.group(2)
    assert stored[:3] == b"\xff\xd8\xff" and LOCATION not in stored, "re-encoded: the EXIF block is gone"

    # Ticked, the original goes as it is (the same bytes, location included).
    ann.element("upload_keep_original").click()
    original = folder / "original.jpg"
    original.write_bytes(jpeg)
    ann.element("upload_file").send_keys(str(original))
    ann.wait(lambda d: (ann.driver.execute_script(IMAGE_BOX, "original.jpg") or {}).get("loaded"), "the original to show")
    path = ann.driver.execute_script(IMAGE_BOX, "original.jpg")["file"]
    assert fetch(protected_chat, path) == jpeg


def test_a_refused_upload_shows_the_servers_reason_and_sends_nothing(protected_chat, browsers, folder):
    room = unique("refused")
    protected_chat.publish([(f"rooms/{room}/newtext", newtext("sam", "the refusal room"))])
    ann = browsers("ann").open(protected_chat.server.url).join(unique("ann"), PASSPHRASE)
    ann.wait(lambda d: room in ann.rooms(), "the room")
    ann.select_room(room)
    fake = folder / "fake.png"
    fake.write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    ann.element("upload_file").send_keys(str(fake))
    ann.wait(lambda d: "claims to be image/png" in ann.status(), "the server's reason in the status line")
    assert "fake.png" in ann.status()
    assert ann.texts(room) == ["the refusal room"]


GIVE_FILE = """
const [how, name, type, data] = arguments;
const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
const transfer = new DataTransfer();
transfer.items.add(new File([bytes], name, { type }));
if (how === 'paste') {
  document.getElementById('input_text').dispatchEvent(
    new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, cancelable: true }));
} else {
  const target = document.getElementById('all_texts');
  target.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  target.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
}
"""


def test_a_pasted_picture_and_a_dropped_file(protected_chat, browsers):
    room = unique("pasted")
    protected_chat.publish([(f"rooms/{room}/newtext", newtext("sam", "the paste room"))])
    ann = browsers("ann").open(protected_chat.server.url).join(unique("ann"), PASSPHRASE)
    ann.wait(lambda d: room in ann.rooms(), "the room")
    ann.select_room(room)

    icon = (Path(__file__).resolve().parent.parent / "web" / "static" / "img" / "icon-192.png").read_bytes()
    ann.driver.execute_script(GIVE_FILE, "paste", "image.png", "image/png", base64.b64encode(icon).decode())
    ann.wait(lambda d: (ann.driver.execute_script(IMAGE_BOX, "image.png") or {}).get("loaded"), "the pasted picture")
    box = ann.driver.execute_script(IMAGE_BOX, "image.png")
    assert (box["width"], box["height"]) == ("192", "192")
    assert ann.element("input_text").get_attribute("value") == "", "a pasted file is not pasted as text"

    notes = b"shopping list: bread, cheese"
    ann.driver.execute_script(GIVE_FILE, "drop", "notes 1.txt", "text/plain", base64.b64encode(notes).decode())
    link = ann.wait(lambda d: d.execute_script("return document.querySelector('#all_texts a.file-link')"), "the file's link")
    assert link.get_attribute("download") == "notes 1.txt"
    assert link.text.strip() == "notes 1.txt"
    href = link.get_attribute("href")
    assert href.startswith(protected_chat.server.url + "data/files/") and href.endswith("/notes%201.txt")
    assert fetch(protected_chat, href[len(protected_chat.server.url):]) == notes
    assert "dropping" not in ann.element("chat").get_attribute("class")
