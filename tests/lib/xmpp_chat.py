#!/usr/bin/python3
"""tests/lib/xmpp_chat.py PORT SCENARIO - real XMPP clients (slixmpp) for
tests/e2e/chat_prosody.sh; prints TAP lines ("ok - ..." / "not ok - ...").

Accounts (password "pw"): alice, carol, dave @example.org (internal);
bob, erin @outside.test (a second local virtual host standing for an
outside domain). Scenarios:
  enforce   clean chat to outside arrives; name+MRN+diagnosis to outside is
            not delivered and the sender gets a notice with the incident id
            (never the text); the same message to an internal user arrives
  monitor   the same message to outside arrives (monitor mode)
  down      phimilter stopped: the message is held back and the sender told
            to retry (on_error tempfail), nothing reaches the recipient
  upload    a link to a file in this server's HTTP upload store holding
            patient data: the stored file is scanned, the link not delivered
  slow      alice's message waits on a slow scan (test delay in the daemon);
            dave's clean message to erin arrives without waiting for it
Synthetic patient data only; nothing of it is printed.
"""
import asyncio
import logging
import sys
import time

import slixmpp

PHI = ("Patient John Smith, MRN: 4821937, diagnosed with type 2 diabetes "
       "mellitus (E11.9). Please review before the visit.")
CLEAN = "Lunch at noon in the usual place?"
SLOW_MARK = "phimilter-test-delay"

results = []


def check(cond, name):
    results.append(bool(cond))
    print(("ok - " if cond else "not ok - ") + name, flush=True)
    return cond


class Client(slixmpp.ClientXMPP):
    def __init__(self, jid):
        super().__init__(jid, "pw")
        self.got = []  # (monotonic time, from bare jid, type, body)
        self.ready = asyncio.Event()
        self.add_event_handler("session_start", self.on_start)
        self.errors = []  # conditions of message errors received
        self.add_event_handler("message", self.on_message)
        self.add_event_handler("message_error", self.on_error)
        self.add_event_handler("failed_auth", lambda e: print("# auth failed for", jid, flush=True))

    async def on_start(self, _event):
        self.send_presence()
        self.ready.set()

    def on_message(self, msg):
        self.got.append((time.monotonic(), str(msg["from"].bare), msg["type"], msg["body"] or ""))

    def on_error(self, msg):
        # slixmpp does not know every RFC 6120 condition: read the XML.
        ns = "{urn:ietf:params:xml:ns:xmpp-stanzas}"
        err = msg.xml.find("{jabber:client}error")
        conds = [c.tag[len(ns):] for c in (err if err is not None else []) if c.tag.startswith(ns)]
        self.errors.append(conds[0] if conds else "")

    def bodies_from(self, sender):
        return [b for (_, f, t, b) in self.got if f == sender and t != "error"]

    def first_arrival(self, sender, needle):
        for (t, f, _ty, b) in self.got:
            if f == sender and needle in b:
                return t
        return None


async def connect(port, names):
    clients = {}
    for n in names:
        c = Client(n)
        c.connect(("127.0.0.1", port), force_starttls=False, disable_starttls=True)
        clients[n.split("@")[0]] = c
    for c in clients.values():
        await asyncio.wait_for(c.ready.wait(), 20)
    return clients


def notices(c):
    """Bodies the server sent the user (the module's notices)."""
    return [b for (_, f, t, b) in c.got if "@" not in f]


async def wait_until(pred, secs):
    end = time.monotonic() + secs
    while time.monotonic() < end:
        if pred():
            return True
        await asyncio.sleep(0.1)
    return pred()


def send(c, to, body):
    c.send_message(mto=to, mbody=body, mtype="chat")


async def enforce(cl):
    a, b, carol = cl["alice"], cl["bob"], cl["carol"]
    send(a, "bob@outside.test", CLEAN)
    check(await wait_until(lambda: CLEAN in b.bodies_from("alice@example.org"), 10),
          "clean chat from alice to bob@outside.test arrives")
    send(a, "bob@outside.test", PHI)
    got_notice = await wait_until(lambda: any("incident PHI-" in n for n in notices(a)), 10)
    check(got_notice, "alice is told, with an incident id, that her message was not sent")
    await asyncio.sleep(1.5)
    check(PHI not in b.bodies_from("alice@example.org"),
          "name, MRN and diagnosis to the outside user are not delivered")
    check(all("4821937" not in n and "Smith" not in n for n in notices(a)),
          "the notice holds no matched text")
    if not check(await wait_until(lambda: "policy-violation" in a.errors, 15),
                 "the sender also gets an error (policy-violation) for the stanza"):
        print("#   errors %r, stanzas %r" % (a.errors, [(f, t) for (_, f, t, _b) in a.got]))
    send(a, "carol@example.org", PHI)
    check(await wait_until(lambda: PHI in carol.bodies_from("alice@example.org"), 10),
          "the same message between two internal users arrives")


async def upload(cl):
    a, b = cl["alice"], cl["bob"]
    link = "Labs for tomorrow: https://upload.example.org/file_share/Xy9kLm2Pq7Rs4Tu1/labs.txt"
    send(a, "bob@outside.test", link)
    check(await wait_until(lambda: any("attachment" in n and "incident PHI-" in n for n in notices(a)), 10),
          "a link to an uploaded file with patient data: the sender is told (the file was scanned)")
    await asyncio.sleep(1)
    check(link not in b.bodies_from("alice@example.org"), "... and the link is not delivered")


async def monitor(cl):
    a, b = cl["alice"], cl["bob"]
    send(a, "bob@outside.test", PHI)
    check(await wait_until(lambda: PHI in b.bodies_from("alice@example.org"), 10),
          "monitor mode: the message to the outside user arrives")
    check(not notices(a), "monitor mode: no notice to the sender")


async def down(cl):
    a, b = cl["alice"], cl["bob"]
    send(a, "bob@outside.test", CLEAN)
    got = await wait_until(lambda: any("try again" in n for n in notices(a)), 15)
    check(got, "phimilter stopped: the sender is told to try again (on_error tempfail)")
    await asyncio.sleep(1)
    check(CLEAN not in b.bodies_from("alice@example.org"),
          "phimilter stopped: nothing passes unscanned")


async def slow(cl):
    a, b, d, e = cl["alice"], cl["bob"], cl["dave"], cl["erin"]
    slow_text = CLEAN + " " + SLOW_MARK
    t0 = time.monotonic()
    send(a, "bob@outside.test", slow_text)
    await asyncio.sleep(0.3)
    send(d, "erin@outside.test", CLEAN)
    check(await wait_until(lambda: CLEAN in e.bodies_from("dave@example.org"), 10),
          "dave's clean message to erin arrives")
    t_dave = e.first_arrival("dave@example.org", CLEAN)
    check(t_dave is not None and t_dave - t0 < 2.5,
          "... within 2.5 s, while alice's message still waits on its slow scan")
    check(await wait_until(lambda: b.first_arrival("alice@example.org", SLOW_MARK) is not None, 15),
          "alice's message arrives once its slow scan is done")
    t_alice = b.first_arrival("alice@example.org", SLOW_MARK)
    check(t_dave is not None and t_alice is not None and t_dave < t_alice,
          "... after dave's (no head-of-line blocking in the event loop)")


async def main():
    port, scenario = int(sys.argv[1]), sys.argv[2]
    names = ["alice@example.org", "carol@example.org", "dave@example.org",
             "bob@outside.test", "erin@outside.test"]
    try:
        cl = await connect(port, names)
    except Exception as exc:  # noqa: BLE001 - any failure is a test failure
        check(False, "XMPP clients connect and log in (%s)" % type(exc).__name__)
        return
    await {"enforce": enforce, "monitor": monitor, "down": down, "slow": slow,
           "upload": upload}[scenario](cl)
    for c in cl.values():
        c.disconnect()
    await asyncio.sleep(0.3)


if __name__ == "__main__":
    logging.basicConfig(level=logging.CRITICAL)
    asyncio.run(main())
    sys.exit(0 if results and all(results) else 1)
