#!/usr/bin/env python3
"""Writes identity-vectors.json: test vectors for SPEC.md "Identity and direct messages (v2)",
computed independently of ChaTT's Swift and JavaScript code, with Python's hashlib and the
`cryptography` package (pip install cryptography). Both test suites read the file.

    python3 Tests/Fixtures/make-identity-vectors.py > Tests/Fixtures/identity-vectors.json

What it fixes, in SPEC.md's words:
- seed = PBKDF2-HMAC-SHA256(personal secret, salt = "chatt-id:" + nick, 600,000, 32 bytes);
  the Ed25519 signing key's seed = HKDF-SHA256(seed, no salt, info "chatt-sign", 32 bytes);
  the X25519 private key = HKDF-SHA256(seed, no salt, info "chatt-dh", 32 bytes).
- Public keys and signatures in base64url without padding.
- The signature input: the lines "chatt-sig-1", the topic, then the event's fields, joined
  by "\\n", as UTF-8; Ed25519 signatures are deterministic, so they are vectors too.
- Direct messages: AES-256-GCM of the JSON {"replyTo","text"} (sorted keys, no spaces,
  replyTo left out when there is none) under HKDF-SHA256(X25519(own, peer), salt =
  "<a>\\n<b>", info "chatt-direct", 32 bytes), a 12-byte nonce; `ct` is the ciphertext
  followed by the 16-byte tag (as WebCrypto gives it).
"""
import base64
import hashlib
import json

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, x25519
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

ITERATIONS = 600_000


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def hkdf(ikm: bytes, info: bytes, salt: bytes | None = None) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(ikm)


def raw_public(key) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def identity(secret: str, nick: str) -> dict:
    seed = hashlib.pbkdf2_hmac("sha256", secret.encode(), ("chatt-id:" + nick).encode(), ITERATIONS, 32)
    sign_seed = hkdf(seed, b"chatt-sign")
    dh_private = hkdf(seed, b"chatt-dh")
    signing = ed25519.Ed25519PrivateKey.from_private_bytes(sign_seed)
    agreement = x25519.X25519PrivateKey.from_private_bytes(dh_private)
    return {"secret": secret, "nick": nick, "seed": seed.hex(), "signSeed": sign_seed.hex(),
            "dhPrivate": dh_private.hex(), "sign": b64url(raw_public(signing)), "dh": b64url(raw_public(agreement)),
            "_signing": signing, "_agreement": agreement}


def public(person: dict) -> dict:
    return {k: v for k, v in person.items() if not k.startswith("_")}


def signature_input(topic: str, fields: list[str]) -> str:
    return "\n".join(["chatt-sig-1", topic, *fields])


def signed(person: dict, topic: str, fields: list[str]) -> dict:
    text = signature_input(topic, fields)
    return {"signer": person["nick"], "topic": topic, "fields": fields, "input": text,
            "sig": b64url(person["_signing"].sign(text.encode()))}


def main() -> None:
    alice = identity("correct horse battery staple", "alice")
    bob = identity("Zoë's 🔑 secret", "bob")
    other_alice = identity("not alice's secret", "alice")
    ts = "1800000000000"

    signatures = [
        signed(alice, "rooms/main/newtext", ["msg-00000001", ts, "alice", "", "hello, world"]),
        signed(alice, "rooms/main/newtext", ["msg-00000002", ts, "alice", "msg-00000001", "a reply\nover two lines é 😀"]),
        signed(alice, "rooms/main/edit", ["evt-00000003", ts, "alice", "msg-00000001", "hello, world!"]),
        signed(alice, "rooms/main/delete", ["evt-00000004", ts, "alice", "msg-00000002"]),
        signed(bob, "rooms/main/react", ["evt-00000005", ts, "bob", "msg-00000001", "1", "👍🏽"]),
        signed(bob, "rooms/main/react", ["evt-00000006", ts, "bob", "msg-00000001", "0", "👍🏽"]),
        signed(alice, "users/alice/key", [ts, alice["sign"], alice["dh"]]),
        signed(bob, "users/bob/key", [ts, bob["sign"], bob["dh"]]),
    ]

    # alice writes to bob: the topic names both in code-point order.
    a, b = sorted(["alice", "bob"])
    shared = alice["_agreement"].exchange(x25519.X25519PublicKey.from_public_bytes(
        base64.urlsafe_b64decode(bob["dh"] + "=")))
    shared_other = bob["_agreement"].exchange(x25519.X25519PublicKey.from_public_bytes(
        base64.urlsafe_b64decode(alice["dh"] + "=")))
    assert shared == shared_other
    key = hkdf(shared, b"chatt-direct", salt=f"{a}\n{b}".encode())
    directs = []
    for n, (text, reply_to) in enumerate([("just between us 🤫", None), ("yes, tomorrow", "msg-00000009")]):
        nonce = bytes(range(n, n + 12))
        plaintext = json.dumps({"text": text, **({"replyTo": reply_to} if reply_to else {})},
                               sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
        ct = AESGCM(key).encrypt(nonce, plaintext, None)
        topic = f"direct/{a}/{b}"
        msg_id = f"dm-0000000{n}"
        envelope = {"from": "alice", "to": "bob", "id": msg_id, "ts": int(ts), "nonce": b64url(nonce), "ct": b64url(ct)}
        sig = signed(alice, topic, [msg_id, ts, "alice", "bob", envelope["nonce"], envelope["ct"]])
        envelope["sig"] = sig["sig"]
        directs.append({"topic": topic, "sharedSecret": shared.hex(), "key": key.hex(), "plaintext": plaintext.decode(),
                        "text": text, "replyTo": reply_to, "envelope": envelope, "signatureInput": sig["input"]})

    print(json.dumps({
        "comment": "Generated by make-identity-vectors.py with hashlib and the cryptography package; do not edit by hand.",
        "iterations": ITERATIONS,
        "identities": [public(alice), public(bob), public(other_alice)],
        "signatures": signatures,
        "direct": directs,
    }, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
