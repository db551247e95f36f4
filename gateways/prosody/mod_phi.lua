-- mod_phi: ask phimilter's scan socket before a chat message leaves the
-- organisation, and stop it when the daemon says deliver=false.
--
--   plugin_paths = { "/usr/share/phimilter/gateways/prosody" }
--   modules_enabled = { ..., "phi" }
--   phi_scan_socket = "/run/phimilter/scan.sock"  -- required: phimilter's scan_socket
--   phi_timeout = 10          -- seconds to wait for a verdict
--   phi_on_error = "tempfail" -- no verdict in time: "tempfail" (hold back, tell
--                             -- the sender to retry), "reject" or "accept"
--   phi_upload_hosts = { "upload.example.org" } -- HTTP upload (mod_http_file_share)
--                             -- hosts whose stored files are scanned when linked
--
-- Which recipients are outside comes from phimilter itself: the module asks
-- the socket {"op":"config"} at load and every phi_config_refresh seconds
-- (default 60) for internal_domains. Until it has an answer every message is
-- scanned (the safe side: the daemon still lets internal mail through).
--
-- Prosody serves every user from one event loop, so nothing here blocks:
-- the request goes over a non-blocking unix socket wrapped by net.server,
-- and the stanza handler waits with util.async (only the sending session's
-- own queue waits; other users' stanzas flow meanwhile). Each scan uses its
-- own connection, so a slow scan never holds back another one.
--
-- Rooms (MUC) on this server: a groupchat message is scanned when the room
-- is on an outside domain or when any occupant's real (bare) JID is outside
-- internal_domains; the request's recipients are those occupants and the
-- room, so the policy sees the destination classes the message goes to. A
-- private message through a room is scanned when the occupant it goes to is
-- outside. The occupants are read again when the verdict comes back: one who
-- joined while the scan ran means a new scan. When an outside occupant joins,
-- the room's history keeps only the messages that were scanned for outside
-- delivery (the others were only ever checked as internal chat).
--
-- Never logs message text or local parts; the notice comes from the daemon
-- and names types and the incident id only.

local async = require "util.async";
local promise = require "util.promise";
local json = require "util.json";
local st = require "util.stanza";
local jid = require "util.jid";
local id = require "util.id";
local server = require "net.server";
local unix = require "socket.unix";
local dm = require "util.datamanager";
local base64 = require "util.encodings".base64;

local socket_path = module:get_option_string("phi_scan_socket");
local timeout = module:get_option_number("phi_timeout", 10);
local on_error = module:get_option_string("phi_on_error", "tempfail");
local refresh = module:get_option_number("phi_config_refresh", 60);
local max_reply = 16 * 1024 * 1024;
-- Files shared through this server's HTTP upload (mod_http_file_share on
-- these component hosts) are read from its store and scanned with the text.
local upload_hosts = module:get_option_array("phi_upload_hosts", {});
local max_file = module:get_option_number("phi_max_file", 8 * 1024 * 1024);

if not socket_path then
	module:log("error", "phi_scan_socket is not set: every outgoing message will be handled per phi_on_error");
end
if on_error ~= "tempfail" and on_error ~= "reject" and on_error ~= "accept" then
	module:log("error", "phi_on_error = %q is not tempfail, reject or accept: using tempfail", on_error);
	on_error = "tempfail";
end

-- One request, one connection: a promise of the decoded reply.
local function ask(request)
	return promise.new(function (resolve, reject)
		if not socket_path then
			return reject("phi_scan_socket not set");
		end
		local sock = unix.stream and unix.stream() or unix();
		if not sock then
			return reject("cannot create a unix socket");
		end
		sock:settimeout(0);
		local ok, err = sock:connect(socket_path);
		if not ok then
			sock:close();
			return reject("cannot connect to the scan socket: " .. tostring(err));
		end
		local chunks, size, done = {}, 0, false;
		local conn;
		local function finish(fn, value)
			if done then return; end
			done = true;
			if conn then conn:close(); end
			fn(value);
		end
		local listeners = {};
		function listeners.onincoming(_, data)
			chunks[#chunks + 1] = data;
			size = size + #data;
			if not data:find("\n", 1, true) then
				if size > max_reply then finish(reject, "reply too long"); end
				return;
			end
			local all = table.concat(chunks);
			local line = all:sub(1, all:find("\n", 1, true) - 1);
			local reply = json.decode(line);
			if type(reply) ~= "table" then
				return finish(reject, "unreadable reply");
			end
			finish(resolve, reply);
		end
		function listeners.ondisconnect(_, why)
			finish(reject, "scan socket closed: " .. tostring(why));
		end
		conn = server.wrapclient(sock, socket_path, 0, listeners, 65536);
		if not conn then
			sock:close();
			return reject("cannot watch the scan socket");
		end
		conn:write(json.encode(request) .. "\n");
		module:add_timer(timeout, function ()
			finish(reject, "timeout");
		end);
	end);
end

-- internal_domains from the daemon (nil until known).
local internal;

local function fetch_config()
	ask({ id = "prosody-config", op = "config" }):next(function (reply)
		if type(reply.internal_domains) == "table" then
			local list = {};
			for _, d in ipairs(reply.internal_domains) do
				list[#list + 1] = tostring(d):lower();
			end
			internal = list;
			module:log("debug", "internal_domains from phimilter: %d", #list);
		end
	end, function (err)
		module:log("warn", "could not read phimilter's configuration: %s", tostring(err));
	end);
	return refresh;
end

module:add_timer(0, fetch_config);

-- Is `host` one of the organisation's domains (or below one)? nil = unknown.
local function is_internal(host)
	if not internal or not host then return nil; end
	host = host:lower();
	for _, d in ipairs(internal) do
		if host == d or host:sub(-(#d + 1)) == "." .. d then
			return true;
		end
	end
	return false;
end

-- A link in the message to a file of our own HTTP upload service
-- (".../SLOT/NAME"): the stored bytes, read from mod_http_file_share's
-- store on one of phi_upload_hosts. Local disk, small and bounded: not a
-- socket wait. Returns a list of attachments for the request.
local function uploaded_files(stanza, body)
	local files = {};
	if #upload_hosts == 0 then return files; end
	local urls = {};
	for u in body:gmatch("https?://[^%s<>\"]+") do urls[#urls + 1] = u; end
	local oob = stanza:get_child("x", "jabber:x:oob");
	if oob then urls[#urls + 1] = oob:get_child_text("url"); end
	for _, u in ipairs(urls) do
		local slot, name = u:match("/([%w_%-]+)/([^/?#]+)$");
		for _, host in ipairs(upload_hosts) do
			local path = slot and dm.getpath(slot, host, "http_file_share", "bin");
			local fh = path and io.open(path, "rb");
			if fh then
				local data = fh:read(max_file + 1) or "";
				fh:close();
				if #data > max_file then
					module:log("warn", "an uploaded file over phi_max_file is not scanned");
				else
					files[#files + 1] = { filename = name, data = base64.encode(data) };
				end
				break;
			end
		end
	end
	return files;
end

local function tell_sender(origin, stanza, text)
	-- An error for the stanza (clients mark the message as failed) and a
	-- plain message from the server that every client shows.
	origin.send(st.error_reply(stanza, "modify", "policy-violation", text));
	origin.send(st.message({ from = origin.host, to = origin.full_jid or stanza.attr.from,
		type = "chat", id = id.medium() }):tag("body"):text(text):up());
end

local function apply_on_error(origin, stanza, why)
	module:log("warn", "no verdict for a message to %s (%s): on_error=%s",
		jid.host(stanza.attr.to) or "?", why, on_error);
	if on_error == "accept" then
		return nil;
	end
	if on_error == "reject" then
		tell_sender(origin, stanza, "Message not sent: it could not be checked for patient information. "
			.. "Contact the privacy office if this keeps happening.");
	else
		tell_sender(origin, stanza, "Message not sent: it could not be checked for patient information "
			.. "right now. Please try again in a few minutes.");
	end
	return true;
end

-- Rooms of this server's MUC components -------------------------------

local hosts = prosody.hosts;

-- The room for `to` when its host is a MUC component of this server:
-- room (or nil when no such room), true. Not a local MUC host: nil, false.
local function local_room(to)
	local h = hosts[jid.host(to) or ""];
	local muc = h and h.modules and h.modules.muc;
	if type(muc) ~= "table" or type(muc.get_room_from_jid) ~= "function" then
		return nil, false;
	end
	return muc.get_room_from_jid(jid.bare(to)), true;
end

-- Sorted bare real JIDs of the room's occupants outside internal_domains
-- (internal_domains unknown: every occupant), leaving out `except`.
local function outside_occupants(room, except)
	local list, seen = {}, {};
	for _, occupant in room:each_occupant() do
		local bare = occupant.bare_jid;
		if bare and bare ~= except and not seen[bare] and is_internal(jid.host(bare)) ~= true then
			seen[bare] = true;
			list[#list + 1] = bare;
		end
	end
	table.sort(list);
	return list;
end

-- Ids of the groupchat messages that were scanned for outside delivery
-- (deliver=true), per room object: only these stay in the history an
-- outside occupant gets on joining. Kept about as long as the history.
local function mark_cleared(room, stanza_id)
	local cleared = room._phi_cleared;
	if not cleared then
		cleared = { n = 0, ids = {} };
		room._phi_cleared = cleared;
	end
	if cleared.ids[stanza_id] then return; end
	cleared.ids[stanza_id] = true;
	cleared.n = cleared.n + 1;
	local history = room._history;
	if cleared.n > 2 * (history and #history or 0) + 50 then
		local ids, n = {}, 0;
		for _, entry in ipairs(history or {}) do
			local hid = entry.stanza and entry.stanza.attr.id;
			if hid and cleared.ids[hid] then ids[hid] = true; n = n + 1; end
		end
		ids[stanza_id] = true;
		cleared.ids, cleared.n = ids, n + 1;
	end
end

-- A new session in a room (muc-occupant-session-new, before mod_muc sends
-- the history): an occupant outside internal_domains gets no history
-- message that was only checked as internal chat. Those are dropped from
-- the room's history (for everyone: the safe side). History that
-- mod_muc_mam serves from its archive is not filtered here.
local function withhold_history(event)
	local room = event.room;
	local bare = event.occupant and event.occupant.bare_jid or (event.jid and jid.bare(event.jid));
	if not room or not bare or is_internal(jid.host(bare)) == true then
		return;
	end
	local history = room._history;
	if not history or #history == 0 then return; end
	local ids = room._phi_cleared and room._phi_cleared.ids or {};
	local kept = {};
	for _, entry in ipairs(history) do
		local hid = entry.stanza and entry.stanza.attr.id;
		if hid and ids[hid] then kept[#kept + 1] = entry; end
	end
	if #kept < #history then
		module:log("info", "phi: %d history messages of %s withheld from an occupant on %s (checked as internal chat only)",
			#history - #kept, room.jid, jid.host(bare) or "?");
		room._history = kept;
	end
end

local watched_muc = {};
local function watch_muc_host(host)
	if watched_muc[host] then return; end
	local h = hosts[host];
	if not (h and h.modules and type(h.modules.muc) == "table") then return; end
	watched_muc[host] = true;
	module:context(host):hook("muc-occupant-session-new", withhold_history, 60);
	if h.modules.muc_mam then
		module:log("warn", "%s serves room history from mod_muc_mam: history sent to outside occupants is not filtered", host);
	end
end
for host in pairs(hosts) do watch_muc_host(host); end
module:hook_global("host-activated", watch_muc_host, -100); -- after the host's modules load

-- The scan ---------------------------------------------------------------

local function scan(request)
	local reply, err = async.wait_for(ask(request));
	if not reply then
		return nil, tostring(err);
	end
	if reply.error ~= nil then
		return nil, "daemon: " .. tostring(reply.error);
	end
	return reply;
end

local function check(event)
	local origin, stanza = event.origin, event.stanza;
	if origin.type ~= "c2s" or stanza.attr.type == "error" then
		return nil;
	end
	local body = stanza:get_child_text("body");
	if not body or body == "" then
		return nil; -- chat states, receipts: nothing a person wrote
	end
	local to = stanza.attr.to;
	local to_host = to and jid.host(to);
	local sender = origin.username and (origin.username .. "@" .. origin.host) or origin.host;
	local from = stanza.attr.from or origin.full_jid;

	-- Recipients of the request: the addressee, or for a room of this
	-- server the outside occupants it reaches and the room.
	local recipients;
	local room, is_local_room = nil, false;
	if to then room, is_local_room = local_room(to); end
	if is_local_room then
		watch_muc_host(to_host);
		if not room or not from or not room:get_occupant_jid(from) then
			return nil; -- no such room, or not in it: mod_muc answers
		end
		local outside;
		if stanza.attr.type == "groupchat" then
			outside = outside_occupants(room, sender);
		else -- a private message to one occupant (room@host/nick)
			local occupant = jid.resource(to) and room:get_occupant_by_nick(jid.bare(to) .. "/" .. jid.resource(to));
			outside = {};
			if occupant and occupant.bare_jid ~= sender and is_internal(jid.host(occupant.bare_jid)) ~= true then
				outside[1] = occupant.bare_jid;
			end
		end
		if #outside == 0 and is_internal(to_host) then
			return nil; -- only internal occupants: internal chat
		end
		recipients = outside;
		recipients[#recipients + 1] = jid.bare(to);
	else
		if is_internal(to_host) then
			return nil;
		end
		recipients = { jid.bare(to) };
	end

	local request = {
		id = id.short(),
		channel = "chat",
		sender = sender,
		recipients = recipients,
		text = body,
	};
	local files = uploaded_files(stanza, body);
	if #files > 0 then
		request.attachments = files;
	end
	if not async.ready() then
		return apply_on_error(origin, stanza, "not in an async context");
	end
	local reply, err = scan(request);
	-- A room's occupants may change while the scan runs: an outside
	-- occupant who was not among the recipients means a new scan.
	local rounds = 1;
	while reply and reply.deliver == true and is_local_room and stanza.attr.type == "groupchat" do
		local scanned = {};
		for _, r in ipairs(recipients) do scanned[r] = true; end
		local now, new = outside_occupants(room, sender), false;
		for _, b in ipairs(now) do
			if not scanned[b] then new = true; end
		end
		if not new then break; end
		if rounds >= 3 then
			reply, err = nil, "room occupants keep changing";
			break;
		end
		rounds = rounds + 1;
		recipients = now;
		recipients[#recipients + 1] = jid.bare(to);
		request.id, request.recipients = id.short(), recipients;
		reply, err = scan(request);
	end
	if not reply then
		return apply_on_error(origin, stanza, err);
	end
	if reply.deliver == true then
		if is_local_room and stanza.attr.type == "groupchat" then
			if not stanza.attr.id then stanza.attr.id = id.medium(); end
			mark_cleared(room, stanza.attr.id);
		end
		return nil;
	end
	local incident = type(reply.incident) == "string" and reply.incident or "-";
	local notice = type(reply.notice) == "string" and reply.notice ~= "" and reply.notice
		or ("Message not sent: it contains patient information (incident " .. incident .. ")");
	module:log("info", "phi: message to %s not delivered: verdict=%s action=%s incident=%s",
		to_host or "?", tostring(reply.verdict), tostring(reply.action), incident);
	tell_sender(origin, stanza, notice);
	return true; -- dropped
end

-- Outgoing messages of local users, before routing (any destination type).
module:hook("pre-message/bare", check, 50);
module:hook("pre-message/full", check, 50);
module:hook("pre-message/host", check, 50);
