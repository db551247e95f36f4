-- tests/milter/protocol.lua: phimilter over the milter protocol (miltertest).
-- Several messages on one connection, an aborted one in between, forged
-- X-PHI-* headers removed, X-PHI-Scanned added, 550 on an SSN message to an
-- outside recipient. Prints TAP lines; SOCK comes from the environment.
-- The SSN is synthetic.
local sock = os.getenv("SOCK")
local n = 0
local function ok(cond, name)
  n = n + 1
  print((cond and "ok " or "not ok ") .. n .. " - " .. name)
end

local conn = mt.connect(sock)
ok(conn ~= nil, "connects to the milter socket")
if conn == nil then print("1.." .. n) os.exit(1) end
mt.macro(conn, SMFIC_CONNECT, "{client_addr}", "127.0.0.1")
ok(mt.conninfo(conn, "localhost", "127.0.0.1") == nil, "connect accepted")

-- 1: clean mail to an outside address, with a forged verdict header
mt.macro(conn, SMFIC_MAIL, "{i}", "QCLEAN")
ok(mt.mailfrom(conn, "<a@example.org>") == nil, "MAIL FROM")
ok(mt.rcptto(conn, "<b@outside.example>") == nil, "RCPT TO")
mt.header(conn, "Subject", "lunch")
mt.header(conn, "X-PHI-Verdict", "clean")
mt.eoh(conn)
mt.bodystring(conn, "see you at noon\r\n")
ok(mt.eom(conn) == nil, "end of message")
ok(mt.getreply(conn) == SMFIR_CONTINUE, "clean external mail passes")
ok(mt.eom_check(conn, MT_HDRADD, "X-PHI-Scanned"), "X-PHI-Scanned added")
ok(mt.eom_check(conn, MT_HDRCHANGE, "X-PHI-Verdict"), "forged X-PHI-Verdict removed")

-- 2: aborted half way
ok(mt.mailfrom(conn, "<a@example.org>") == nil, "second MAIL FROM on the connection")
mt.rcptto(conn, "<b@outside.example>")
mt.header(conn, "Subject", "half")
ok(mt.abort(conn) == nil, "abort accepted")

-- 3: SSN with health context to outside and inside recipients
mt.macro(conn, SMFIC_MAIL, "{i}", "QPHI")
ok(mt.mailfrom(conn, "<a@example.org>") == nil, "third MAIL FROM after an abort")
mt.rcptto(conn, "<b@outside.example>")
mt.rcptto(conn, "<c@example.org>")
mt.header(conn, "Subject", "labs")
mt.eoh(conn)
mt.bodystring(conn, "Patient diagnosis diabetes, SSN 371-42-8195, admitted for insulin therapy.\r\n")
ok(mt.eom(conn) == nil, "end of message")
ok(mt.getreply(conn) == SMFIR_REPLYCODE, "PHI to an outside recipient gets a reply code (550)")

-- 4: the connection still works afterwards
mt.macro(conn, SMFIC_MAIL, "{i}", "QAFTER")
ok(mt.mailfrom(conn, "<a@example.org>") == nil, "MAIL FROM after a reject")
mt.rcptto(conn, "<c@example.org>")
mt.header(conn, "Subject", "x")
mt.eoh(conn)
mt.bodystring(conn, "Patient diagnosis diabetes, SSN 371-42-8195, admitted for insulin therapy.\r\n")
mt.eom(conn)
ok(mt.getreply(conn) == SMFIR_CONTINUE, "the same content to an internal recipient passes")
ok(mt.eom_check(conn, MT_HDRADD, "X-PHI-Verdict"), "and is tagged X-PHI-Verdict")
ok(mt.eom_check(conn, MT_HDRADD, "X-PHI-Findings"), "and X-PHI-Findings")
mt.disconnect(conn)
print("1.." .. n)
