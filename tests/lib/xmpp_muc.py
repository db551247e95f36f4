#!/usr/bin/python3
"""tests/lib/xmpp_muc.py PORT ROOM - group chat (MUC) through mod_phi, for
tests/e2e/chat_prosody.sh; prints TAP lines ("ok - ..." / "not ok - ...").

ROOM is a room on the internal MUC component (conference.example.org, a
subdomain of the internal domain example.org). alice and carol
(example.org, internal) and bob (outside.test, outside) join it:
  - clean chat from alice reaches carol and bob;
  - a message with a name, MRN and diagnosis from alice reaches nobody
    (not carol, not bob, no echo to alice) and alice gets the notice with
    the incident id and a policy-violation error;
  - the same message as a private message through the room to bob is
    stopped; to carol it arrives;
  - bob leaves: the same message now reaches carol (internal room);
  - bob joins again: the room's history he gets holds the clean message
    (scanned while he was in the room) but not the patient message (only
    ever checked as internal chat);
  - while a message of alice's waits on a slow scan (the daemon's test
    delay), erin@outside.test joins: the module scans it again with her
    among the recipients before the room broadcasts it (the shell test
    counts the two scans in phimilter's log), and she gets it.
Synthetic patient data only; nothing of it is printed.
"""
import asyncio
import contextlib
import io
import logging
import sys
import time

import slixmpp

PHI = ("Patient John Smith, MRN: 4821937, diagnosed with type 2 diabetes "
       "mellitus (E11.9). Please review before the visit.")
CLEAN = "Team lunch moved to 12:30, same room."
PM_PHI = PHI + " (direct)"
SLOW = "Handover at 7 as usual. phimilter-test-delay"

results = []


def check(cond, name):
    results.append(bool(cond))
    print(("ok - " if cond else "not ok - ") + name, flush=True)
    return cond


class Client(slixmpp.ClientXMPP):
    def __init__(self, jid):
        super().__init__(jid, "pw")
        self.register_plugin("xep_0045")
        self.got = []  # (monotonic time, from full jid, type, body, delayed)
        self.errors = []
        self.ready = asyncio.Event()
        self.add_event_handler("session_start", self.on_start)
        self.add_event_handler("message", self.on_message)
        self.add_event_handler("groupchat_message", self.on_message)
        self.add_event_handler("message_error", self.on_error)

    async def on_start(self, _event):
        self.send_presence()
        self.ready.set()

    def on_message(self, msg):
        if msg["type"] == "error":
            return
        delayed = msg.xml.find("{urn:xmpp:delay}delay") is not None
        self.got.append((time.monotonic(), str(msg["from"]), msg["type"], msg["body"] or "", delayed))

    def on_error(self, msg):
        ns = "{urn:ietf:params:xml:ns:xmpp-stanzas}"
        err = msg.xml.find("{jabber:client}error")
        conds = [c.tag[len(ns):] for c in (err if err is not None else []) if c.tag.startswith(ns)]
        self.errors.append(conds[0] if conds else "")

    def live(self, needle, frm=None, mtype=None):
        """Messages (not history) holding needle."""
        return [g for g in self.got if needle in g[3] and not g[4]
                and (frm is None or g[1] == frm) and (mtype is None or g[2] == mtype)]

    def history(self, needle):
        return [g for g in self.got if needle in g[3] and g[4]]

    def notices(self):
        return [b for (_, f, _t, b, _d) in self.got if "@" not in f]


async def wait_until(pred, secs):
    end = time.monotonic() + secs
    while time.monotonic() < end:
        if pred():
            return True
        await asyncio.sleep(0.1)
    return pred()


async def join(c, room, nick, maxstanzas=0):
    """Join; the history the room sends on joining goes to c.got as delayed."""
    muc = c.plugin["xep_0045"]
    with contextlib.redirect_stdout(io.StringIO()):  # slixmpp 1.8 prints history delays
        res = await asyncio.wait_for(muc.join_muc_wait(room, nick, maxstanzas=maxstanzas), 15)
    for msg in res[3] or []:
        c.got.append((time.monotonic(), str(msg["from"]), msg["type"], msg["body"] or "", True))


def roster(c, room):
    return set(c.plugin["xep_0045"].get_roster(room) or [])


async def main():
    port, room = int(sys.argv[1]), sys.argv[2]
    names = ["alice@example.org", "carol@example.org", "bob@outside.test", "erin@outside.test"]
    cl = {}
    try:
        for n in names:
            c = Client(n)
            c.connect(("127.0.0.1", port), force_starttls=False, disable_starttls=True)
            cl[n.split("@")[0]] = c
        for c in cl.values():
            await asyncio.wait_for(c.ready.wait(), 20)
        for nick in ("alice", "carol", "bob"):
            await join(cl[nick], room, nick)
    except Exception as exc:  # noqa: BLE001 - any failure is a test failure
        check(False, "XMPP clients log in and join %s (%s: %s)" % (room, type(exc).__name__, exc))
        return
    a, carol, b = cl["alice"], cl["carol"], cl["bob"]
    check(await wait_until(lambda: roster(a, room) >= {"alice", "carol", "bob"}, 10),
          "alice, carol and bob@outside.test are in the room on the internal MUC host")

    # Clean chat in the mixed room arrives.
    a.send_message(mto=room, mbody=CLEAN, mtype="groupchat")
    check(await wait_until(lambda: carol.live(CLEAN, room + "/alice") and b.live(CLEAN, room + "/alice"), 10),
          "clean chat in the room with an outside occupant reaches carol and bob")

    # Patient data in the mixed room: nobody gets it, alice gets the notice.
    a.send_message(mto=room, mbody=PHI, mtype="groupchat")
    check(await wait_until(lambda: any("incident PHI-" in n for n in a.notices()), 10),
          "patient data to the room with an outside occupant: alice is told, with an incident id")
    check(await wait_until(lambda: "policy-violation" in a.errors, 15),
          "... and gets a policy-violation error for the stanza")
    await asyncio.sleep(1.5)
    check(not b.live(PHI), "... bob@outside.test does not get it")
    check(not carol.live(PHI), "... nor carol (the message is not broadcast at all)")
    check(not a.live(PHI, room + "/alice"), "... nor alice's own echo")
    check(all("4821937" not in n and "Smith" not in n for n in a.notices()),
          "the notice holds no matched text")

    # Private messages through the room: to the outside occupant stopped.
    n_notices = len(a.notices())
    a.send_message(mto=room + "/bob", mbody=PM_PHI, mtype="chat")
    check(await wait_until(lambda: any("incident PHI-" in n for n in a.notices()[n_notices:]), 10),
          "a private message through the room to bob with patient data: alice is told")
    a.send_message(mto=room + "/carol", mbody=PM_PHI, mtype="chat")
    check(await wait_until(lambda: carol.live(PM_PHI, room + "/alice"), 10),
          "... the same private message to carol (internal) arrives")
    check(not b.live(PM_PHI), "... bob does not get it")

    # bob leaves: an internal room again; the same message reaches carol.
    b.plugin["xep_0045"].leave_muc(room, "bob")
    check(await wait_until(lambda: "bob" not in roster(a, room), 10), "bob leaves the room")
    a.send_message(mto=room, mbody=PHI, mtype="groupchat")
    check(await wait_until(lambda: carol.live(PHI, room + "/alice", "groupchat"), 10),
          "with only internal occupants, the same message reaches carol")
    await asyncio.sleep(0.5)
    check(not b.live(PHI), "... and not bob, who left")

    # bob back: history has the message scanned for him, not the other one.
    await join(b, room, "bob", maxstanzas=20)
    await asyncio.sleep(1.5)
    check(b.history(CLEAN), "bob joins again and gets the room's history (the clean message)")
    check(not b.history(PHI) and not b.live(PHI),
          "... without the patient message that was only checked as internal chat")

    # An outside occupant joins while a message waits on its scan.
    t0 = time.monotonic()
    a.send_message(mto=room, mbody=SLOW, mtype="groupchat")
    await asyncio.sleep(1.0)
    await join(cl["erin"], room, "erin")
    check(await wait_until(lambda: cl["erin"].live(SLOW, room + "/alice"), 20),
          "erin joins while alice's message waits on a slow scan, and gets it once scanned again")
    check(time.monotonic() - t0 > 6, "... after two slow scans (%.1f s)" % (time.monotonic() - t0))
    check(await wait_until(lambda: carol.live(SLOW, room + "/alice") and b.live(SLOW, room + "/alice"), 5),
          "... and so do carol and bob")

    for c in cl.values():
        c.disconnect()
    await asyncio.sleep(0.3)


if __name__ == "__main__":
    logging.basicConfig(level=logging.CRITICAL)
    asyncio.run(main())
    sys.exit(0 if results and all(results) else 1)
