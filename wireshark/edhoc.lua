-- edhoc.lua - a Wireshark dissector for EDHOC (RFC 9528), shipped with edhoc-harness.
--
-- Decodes EDHOC message_1..message_4 and error messages over CoAP (Content-Formats 64
-- and 65, RFC 9528 Appendix A.2; the prefixes `true` and C_R) and over raw UDP, with
-- the fields named as in RFC 9528 (METHOD, SUITES_I, G_X, C_I, EAD items, G_Y,
-- CIPHERTEXT_2/3/4, ERR_CODE, ERR_INFO), expert info for CBOR that is not
-- deterministically encoded and for a wrong or missing prefix. With the keylog file of
-- an edhoc-harness run (`run --keylog FILE`) it decrypts CIPHERTEXT_2 (KEYSTREAM_2),
-- CIPHERTEXT_3 and CIPHERTEXT_4 (the suite's AEAD with K_3/IV_3, K_4/IV_4) and names
-- the PLAINTEXT fields. wireshark/README.md has the commands.
--
-- Usage: tshark -X lua_script:edhoc.lua -o edhoc.keylog_file:KEYS -r CAPTURE -V
-- (`edhoc-harness dissector` prints this file's path). Datagrams are found by
-- themselves (the heuristic `edhoc_udp`: a CoAP POST to /.well-known/edhoc or with
-- Content-Format 65, or a raw message_1, starts an EDHOC conversation between two
-- addresses); `-d udp.port==PORT,edhoc` decodes a port as EDHOC (CoAP or raw, told
-- apart by the conversation's first message).
--
-- Why the crypto is here: Wireshark 4.0's Lua API has no cipher bindings, so AES (for
-- AES-CCM and AES-GCM, in counter mode) and ChaCha20 are written below from FIPS 197,
-- NIST SP 800-38C/38D and RFC 8439. They only decrypt (the tag is not checked; the
-- tree says so). They are checked against RFC 9529's traces and against the
-- harness's OpenSSL/libsodium results (tests/test_dissector.py).

local edhoc = Proto("edhoc", "EDHOC (RFC 9528)")
local edhoc_coap = Proto("edhoc_coap", "EDHOC over CoAP (RFC 9528 Appendix A.2)")

local F = edhoc.fields
F.message = ProtoField.string("edhoc.message", "Message")
F.prefix = ProtoField.bytes("edhoc.prefix", "Appendix A.2 prefix")
F.method = ProtoField.int32("edhoc.method", "METHOD")
F.suites_i = ProtoField.string("edhoc.suites_i", "SUITES_I")
F.selected_suite = ProtoField.int32("edhoc.selected_suite", "Selected suite")
F.g_x = ProtoField.bytes("edhoc.g_x", "G_X")
F.c_i = ProtoField.bytes("edhoc.c_i", "C_I")
F.c_r = ProtoField.bytes("edhoc.c_r", "C_R")
F.ead_label = ProtoField.int32("edhoc.ead.label", "EAD label")
F.ead_value = ProtoField.bytes("edhoc.ead.value", "EAD value")
F.g_y = ProtoField.bytes("edhoc.g_y", "G_Y")
F.g_y_ciphertext_2 = ProtoField.bytes("edhoc.g_y_ciphertext_2", "G_Y_CIPHERTEXT_2")
F.ciphertext_2 = ProtoField.bytes("edhoc.ciphertext_2", "CIPHERTEXT_2")
F.ciphertext_3 = ProtoField.bytes("edhoc.ciphertext_3", "CIPHERTEXT_3")
F.ciphertext_4 = ProtoField.bytes("edhoc.ciphertext_4", "CIPHERTEXT_4")
F.plaintext_2 = ProtoField.bytes("edhoc.plaintext_2", "PLAINTEXT_2")
F.plaintext_3 = ProtoField.bytes("edhoc.plaintext_3", "PLAINTEXT_3")
F.plaintext_4 = ProtoField.bytes("edhoc.plaintext_4", "PLAINTEXT_4")
F.id_cred_r = ProtoField.bytes("edhoc.id_cred_r", "ID_CRED_R")
F.id_cred_i = ProtoField.bytes("edhoc.id_cred_i", "ID_CRED_I")
F.sig_or_mac_2 = ProtoField.bytes("edhoc.sig_or_mac_2", "Signature_or_MAC_2")
F.sig_or_mac_3 = ProtoField.bytes("edhoc.sig_or_mac_3", "Signature_or_MAC_3")
F.err_code = ProtoField.int32("edhoc.err_code", "ERR_CODE")
F.err_info = ProtoField.bytes("edhoc.err_info", "ERR_INFO")
F.session = ProtoField.string("edhoc.session", "Keylog session")
F.tag = ProtoField.bytes("edhoc.tag", "AEAD tag (not checked)")

local E = {
    nondet = ProtoExpert.new("edhoc.nondeterministic", "Not deterministically encoded CBOR "
        .. "(RFC 9528 §3.1, RFC 8949 §4.2.1)", expert.group.PROTOCOL, expert.severity.WARN),
    prefix = ProtoExpert.new("edhoc.prefix.wrong", "Wrong or missing Appendix A.2 prefix "
        .. "(RFC 9528 Appendix A.2)", expert.group.PROTOCOL, expert.severity.WARN),
    malformed = ProtoExpert.new("edhoc.malformed", "Not an EDHOC message of this shape "
        .. "(RFC 9528 §5)", expert.group.MALFORMED, expert.severity.ERROR),
    nokey = ProtoExpert.new("edhoc.nokey", "Not decrypted: no keylog entry for this session",
        expert.group.UNDECODED, expert.severity.NOTE),
    trailing = ProtoExpert.new("edhoc.trailing", "Bytes after the message (RFC 9528 §3.1)",
        expert.group.PROTOCOL, expert.severity.WARN),
}
edhoc.experts = { E.nondet, E.prefix, E.malformed, E.nokey, E.trailing }
-- the start of every edhoc.malformed text about the bytes (a message a peer or a
-- scenario made malformed): "Not an EDHOC message of this shape (RFC 9528 §5): ..."
local NOT_EDHOC = "Not an EDHOC message of this shape (RFC 9528 §5): "

-- A bug of this file shows as an expert item naming it, never as a Lua error
-- that stops the dissection of the capture.
local function guarded(fn, tvb, pinfo, tree)
    local ok, n = pcall(fn, tvb, pinfo, tree)
    if ok then return n end
    tree:add(edhoc, tvb()):add_proto_expert_info(E.malformed, "edhoc.lua dissector error: "
        .. tostring(n))
    return tvb:len()
end

edhoc.prefs.keylog_file = Pref.string("Keylog file", "",
    "The keylog of an edhoc-harness run (run --keylog FILE): lines ID ROLE NAME HEX")

------------------------------------------------------------------------ bytes
local band, bxor, bor, lshift, rshift, lrotate = bit32.band, bit32.bxor, bit32.bor,
    bit32.lshift, bit32.rshift, bit32.lrotate

local function tohex(s)
    return (s:gsub(".", function(c) return string.format("%02x", c:byte()) end))
end
local function fromhex(h)
    return (h:gsub("%x%x", function(x) return string.char(tonumber(x, 16)) end))
end

------------------------------------------------------------------------- AES
-- FIPS 197: the S-box from the multiplicative inverse in GF(2^8) and the affine map.
local SBOX = {}
do
    local function mul(a, b)
        local p = 0
        for _ = 1, 8 do
            if band(b, 1) ~= 0 then p = bxor(p, a) end
            local hi = band(a, 0x80)
            a = band(lshift(a, 1), 0xff)
            if hi ~= 0 then a = bxor(a, 0x1b) end
            b = rshift(b, 1)
        end
        return p
    end
    for x = 0, 255 do
        local inv = 0
        if x ~= 0 then
            for y = 1, 255 do if mul(x, y) == 1 then inv = y break end end
        end
        local s = inv
        for i = 1, 4 do s = bxor(s, band(bor(lshift(inv, i), rshift(inv, 8 - i)), 0xff)) end
        SBOX[x] = bxor(s, 0x63)
    end
end
local function xtime(a)
    a = lshift(a, 1)
    if a >= 0x100 then a = bxor(a, 0x11b) end
    return a
end

local function aes_expand(key)
    local nk = #key / 4
    local nr = nk + 6
    local w = {}
    for i = 0, #key - 1 do w[i] = key:byte(i + 1) end
    local rcon = 1
    for i = nk, 4 * (nr + 1) - 1 do
        local t = { w[4 * (i - 1)], w[4 * (i - 1) + 1], w[4 * (i - 1) + 2], w[4 * (i - 1) + 3] }
        if i % nk == 0 then
            t = { bxor(SBOX[t[2]], rcon), SBOX[t[3]], SBOX[t[4]], SBOX[t[1]] }
            rcon = xtime(rcon)
        elseif nk > 6 and i % nk == 4 then
            t = { SBOX[t[1]], SBOX[t[2]], SBOX[t[3]], SBOX[t[4]] }
        end
        for j = 0, 3 do w[4 * i + j] = bxor(w[4 * (i - nk) + j], t[j + 1]) end
    end
    return { w = w, nr = nr }
end

local function aes_block(ks, block)
    local s, w = {}, ks.w
    for i = 0, 15 do s[i] = bxor(block:byte(i + 1), w[i]) end
    for r = 1, ks.nr do
        local t = {}
        for c = 0, 3 do -- SubBytes and ShiftRows
            for row = 0, 3 do t[4 * c + row] = SBOX[s[4 * ((c + row) % 4) + row]] end
        end
        if r < ks.nr then -- MixColumns
            for c = 0, 3 do
                local a0, a1, a2, a3 = t[4 * c], t[4 * c + 1], t[4 * c + 2], t[4 * c + 3]
                local x = bxor(a0, a1, a2, a3)
                t[4 * c] = bxor(a0, x, xtime(bxor(a0, a1)))
                t[4 * c + 1] = bxor(a1, x, xtime(bxor(a1, a2)))
                t[4 * c + 2] = bxor(a2, x, xtime(bxor(a2, a3)))
                t[4 * c + 3] = bxor(a3, x, xtime(bxor(a3, a0)))
            end
        end
        for i = 0, 15 do s[i] = bxor(t[i], w[16 * r + i]) end
    end
    local out = {}
    for i = 0, 15 do out[i + 1] = string.char(s[i]) end
    return table.concat(out)
end

local function xor_into(data, stream)
    local out = {}
    for i = 1, #data do out[i] = string.char(bxor(data:byte(i), stream:byte(i))) end
    return table.concat(out)
end

-- Counter mode: block i of the keystream is AES(counter_block(i)), i from first.
local function aes_ctr(key, data, counter_block, first)
    local ks, stream, i = aes_expand(key), {}, first
    local n = math.ceil(#data / 16)
    for b = 1, n do
        stream[b] = aes_block(ks, counter_block(i))
        i = i + 1
    end
    return xor_into(data, table.concat(stream))
end

local function be(n, len)
    local t = {}
    for i = len, 1, -1 do
        t[i] = string.char(n % 256)
        n = math.floor(n / 256)
    end
    return table.concat(t)
end

-- AES-CCM (SP 800-38C, RFC 3610) with a 13-byte nonce: L = 2, A_i = 0x01 | N | i.
local function ccm_decrypt(key, nonce, ct, taglen)
    local body = ct:sub(1, #ct - taglen)
    return aes_ctr(key, body, function(i) return "\1" .. nonce .. be(i, 2) end, 1),
        ct:sub(#ct - taglen + 1)
end

-- AES-GCM (SP 800-38D) with a 12-byte IV: J0 = IV | 1, the data from inc32(J0).
local function gcm_decrypt(key, iv, ct)
    local body = ct:sub(1, #ct - 16)
    return aes_ctr(key, body, function(i) return iv .. be(i, 4) end, 2), ct:sub(#ct - 15)
end

------------------------------------------------------------------- ChaCha20
local function le32(s, i)
    local a, b, c, d = s:byte(i, i + 3)
    return a + b * 0x100 + c * 0x10000 + d * 0x1000000
end
local function chacha_block(key, counter, nonce)
    local st = { 0x61707865, 0x3320646e, 0x79622d32, 0x6b206574 }
    for i = 0, 7 do st[5 + i] = le32(key, 1 + 4 * i) end
    st[13] = counter
    for i = 0, 2 do st[14 + i] = le32(nonce, 1 + 4 * i) end
    local x = {}
    for i = 1, 16 do x[i] = st[i] end
    local function qr(a, b, c, d)
        x[a] = band(x[a] + x[b], 0xffffffff); x[d] = lrotate(bxor(x[d], x[a]), 16)
        x[c] = band(x[c] + x[d], 0xffffffff); x[b] = lrotate(bxor(x[b], x[c]), 12)
        x[a] = band(x[a] + x[b], 0xffffffff); x[d] = lrotate(bxor(x[d], x[a]), 8)
        x[c] = band(x[c] + x[d], 0xffffffff); x[b] = lrotate(bxor(x[b], x[c]), 7)
    end
    for _ = 1, 10 do
        qr(1, 5, 9, 13); qr(2, 6, 10, 14); qr(3, 7, 11, 15); qr(4, 8, 12, 16)
        qr(1, 6, 11, 16); qr(2, 7, 12, 13); qr(3, 8, 9, 14); qr(4, 5, 10, 15)
    end
    local out = {}
    for i = 1, 16 do
        local v = band(x[i] + st[i], 0xffffffff)
        out[i] = string.char(v % 256, rshift(v, 8) % 256, rshift(v, 16) % 256, rshift(v, 24))
    end
    return table.concat(out)
end
-- ChaCha20-Poly1305 (RFC 8439 §2.8): the data with counter 1 onwards.
local function chacha_decrypt(key, nonce, ct)
    local body, stream = ct:sub(1, #ct - 16), {}
    for b = 1, math.ceil(#body / 64) do stream[b] = chacha_block(key, b, nonce) end
    return xor_into(body, table.concat(stream)), ct:sub(#ct - 15)
end

-- The suites of RFC 9528 §10.2 this dissector knows: EDHOC AEAD, tag length, the
-- coordinate length of G_X / G_Y.
local SUITES = {
    [0] = { aead = "ccm", tag = 8, coord = 32 }, [1] = { aead = "ccm", tag = 16, coord = 32 },
    [2] = { aead = "ccm", tag = 8, coord = 32 }, [3] = { aead = "ccm", tag = 16, coord = 32 },
    [4] = { aead = "chacha", tag = 16, coord = 32 }, [5] = { aead = "chacha", tag = 16, coord = 32 },
    [6] = { aead = "gcm", tag = 16, coord = 32 }, [24] = { aead = "gcm", tag = 16, coord = 48 },
    [25] = { aead = "chacha", tag = 16, coord = 56 },
}

local function aead_decrypt(suite, key, iv, ct)
    local s = SUITES[suite]
    if s == nil or #ct < s.tag then return nil end
    if s.aead == "ccm" then return ccm_decrypt(key, iv, ct, s.tag) end
    if s.aead == "gcm" then return gcm_decrypt(key, iv, ct) end
    return chacha_decrypt(key, iv, ct)
end

------------------------------------------------------------------------ CBOR
-- One item at byte pos (1-based) of s: {major, arg (number), start, head, stop (last
-- byte), nondet (a longer head than needed or an indefinite length), value (the
-- content of a byte or text string; the items of an array; the pairs of a map)}, or nil
-- and why. Depth is bounded.
local function cbor_item(s, pos, depth)
    depth = depth or 0
    if depth > 16 then return nil, "nesting too deep" end
    local ib = s:byte(pos)
    if ib == nil then return nil, "input ends before an item" end
    local major, ai = rshift(ib, 5), band(ib, 31)
    local it = { major = major, start = pos, nondet = false }
    local p, arg = pos + 1, nil
    if ai < 24 then
        arg = ai
    elseif ai <= 27 then
        local n = ({ [24] = 1, [25] = 2, [26] = 4, [27] = 8 })[ai]
        if #s < p + n - 1 then return nil, "input ends inside an item's head" end
        arg = 0
        for i = 0, n - 1 do arg = arg * 256 + s:byte(p + i) end
        p = p + n
        local min = ({ [24] = 24, [25] = 256, [26] = 65536, [27] = 4294967296 })[ai]
        if major ~= 7 and arg < min then it.nondet = true end
    elseif ai == 31 and (major == 2 or major == 3 or major == 4 or major == 5) then
        it.nondet, arg = true, -1 -- indefinite length
    else
        return nil, "reserved additional information"
    end
    it.arg, it.head = arg, p - pos
    if major == 0 then
        it.value = arg
    elseif major == 1 then
        it.value = -1 - arg
    elseif major == 2 or major == 3 then
        if arg < 0 then -- chunks until the break
            local parts = {}
            while s:byte(p) ~= 0xff do
                local c, why = cbor_item(s, p, depth + 1)
                if c == nil then return nil, why end
                if c.major ~= major or c.arg < 0 then -- RFC 8949 §3.2.3
                    return nil, "a chunk of an indefinite-length string is not a definite string"
                end
                parts[#parts + 1] = c.value
                p = c.stop + 1
            end
            it.value, p = table.concat(parts), p + 1
        else
            if #s < p + arg - 1 then return nil, "input ends inside a string" end
            it.value = s:sub(p, p + arg - 1)
            p = p + arg
        end
    elseif major == 4 or major == 5 then
        local items, n = {}, (major == 5 and arg >= 0) and 2 * arg or arg
        local i = 0
        while (n < 0 and s:byte(p) ~= 0xff) or (n >= 0 and i < n) do
            if n < 0 and s:byte(p) == nil then return nil, "input ends inside an array or map" end
            local c, why = cbor_item(s, p, depth + 1)
            if c == nil then return nil, why end
            items[#items + 1] = c
            it.nondet = it.nondet or c.nondet
            p, i = c.stop + 1, i + 1
        end
        if n < 0 then p = p + 1 end
        it.value = items
    elseif major == 6 then
        local c, why = cbor_item(s, p, depth + 1)
        if c == nil then return nil, why end
        it.value, it.nondet, p = c, it.nondet or c.nondet, c.stop + 1
    else
        it.value = ({ [20] = false, [21] = true, [22] = "null" })[ai]
    end
    it.stop = p - 1
    return it
end

-- The top-level items of a CBOR sequence from pos; when one is not well-formed, the
-- items before it, why, and where it starts.
local function cbor_seq(s, pos)
    local items = {}
    while pos <= #s do
        local it, why = cbor_item(s, pos)
        if it == nil then return items, why, pos end
        items[#items + 1] = it
        pos = it.stop + 1
    end
    return items
end

local function is_int(it) return it and (it.major == 0 or it.major == 1) end
local function is_bstr(it) return it and it.major == 2 end
local function raw(s, it) return s:sub(it.start, it.stop) end

-------------------------------------------------------------------- keylog
local KEYS = { by_g_x = {}, loaded = nil }
local function load_keylog()
    local path = edhoc.prefs.keylog_file
    if KEYS.loaded == path then return end
    KEYS.by_g_x, KEYS.loaded = {}, path
    if path == nil or path == "" then return end
    local f = io.open(path, "r")
    if f == nil then return end
    local current = {}
    for line in f:lines() do
        local id, role, name, hex = line:match("^(%S+) (%S+) (%S+) ?(%x*)$")
        if id then
            local who = id .. " " .. role
            if name == "g_x" or current.who ~= who then
                current = { who = who }
                if name == "g_x" then KEYS.by_g_x[hex] = current end
            end
            current[name] = fromhex(hex)
        end
    end
    f:close()
end

------------------------------------------------------------------ dissection
local CONV, FRAMES = {}, {}

local function conv_key(pinfo)
    local a = tostring(pinfo.src) .. ":" .. pinfo.src_port
    local b = tostring(pinfo.dst) .. ":" .. pinfo.dst_port
    if a < b then return a .. "|" .. b end
    return b .. "|" .. a
end
local function sender(pinfo) return tostring(pinfo.src) .. ":" .. pinfo.src_port end

local INT_FIELDS = { [F.method] = true, [F.ead_label] = true, [F.err_code] = true }
-- connection identifiers and prefixes: their encoding matters (RFC 9528 §3.3.2)
local WHOLE_FIELDS = { [F.prefix] = true, [F.c_i] = true, [F.c_r] = true }

-- Add an item (of the bytes of tvb from base) under field f: a byte string by its
-- content (but a C_x or a prefix by its encoding), anything else whole; an integer field with the item's value (as text when
-- it does not fit 32 bits).
local function add(tree, f, tvb, base, it, label)
    local off, len = base + it.start - 1, it.stop - it.start + 1
    if it.major == 2 and it.arg >= 0 and not WHOLE_FIELDS[f] then
        off, len = off + it.head, it.arg
    end
    local ti
    if INT_FIELDS[f] and type(it.value) == "number" then
        if it.value >= -2147483648 and it.value <= 2147483647 then
            ti = tree:add(f, tvb(off, len), it.value)
        else
            ti = tree:add(edhoc, tvb(off, len), "integer " .. tostring(it.value))
        end
    else
        ti = tree:add(f, tvb(off, len))
    end
    if label then ti:append_text(" (" .. label .. ")") end
    if it.nondet then ti:add_proto_expert_info(E.nondet) end
    return ti
end

local function add_ead(tree, tvb, base, s, items, from)
    local i = from
    while i <= #items do
        local lab = items[i]
        if not is_int(lab) then
            tree:add_proto_expert_info(E.malformed, NOT_EDHOC .. "an EAD item without an integer label")
            return
        end
        local sub = tree:add(edhoc, tvb(base + lab.start - 1, lab.stop - lab.start + 1),
            "EAD item, label " .. lab.value .. (lab.value < 0 and " (critical)" or ""))
        add(sub, F.ead_label, tvb, base, lab)
        if items[i + 1] and is_bstr(items[i + 1]) then
            add(sub, F.ead_value, tvb, base, items[i + 1])
            i = i + 2
        else
            i = i + 1
        end
    end
end

local function id_cred_label(it)
    if it.major == 5 then return "a map" end
    if is_bstr(it) or is_int(it) then return "compact kid (RFC 9528 §3.5.3.2)" end
    return "unexpected CBOR type"
end

-- PLAINTEXT_2/3/4 as a new data source, its fields named.
local function plaintext_tree(tree, n, pt)
    local tvb = ByteArray.new(tohex(pt)):tvb("PLAINTEXT_" .. n)
    local f = ({ F.plaintext_2, F.plaintext_3, F.plaintext_4 })[n - 1]
    local sub = tree:add(f, tvb())
    local items, why, at = cbor_seq(pt, 1)
    if why then -- the items before the one that is not well-formed are still named
        sub:add_proto_expert_info(E.malformed, NOT_EDHOC .. "PLAINTEXT_" .. n .. ", byte "
            .. (at - 1) .. ": " .. why)
    end
    if n == 2 then
        if #items < 3 then sub:add_proto_expert_info(E.malformed, NOT_EDHOC .. "PLAINTEXT_2 has fewer than 3 items") return end
        add(sub, F.c_r, tvb, 0, items[1])
        add(sub, F.id_cred_r, tvb, 0, items[2], id_cred_label(items[2]))
        add(sub, F.sig_or_mac_2, tvb, 0, items[3])
        add_ead(sub, tvb, 0, pt, items, 4)
        return raw(pt, items[1])
    elseif n == 3 then
        if #items < 2 then sub:add_proto_expert_info(E.malformed, NOT_EDHOC .. "PLAINTEXT_3 has fewer than 2 items") return end
        add(sub, F.id_cred_i, tvb, 0, items[1], id_cred_label(items[1]))
        add(sub, F.sig_or_mac_3, tvb, 0, items[2])
        add_ead(sub, tvb, 0, pt, items, 3)
    else
        add_ead(sub, tvb, 0, pt, items, 1)
    end
end

-- The kind of a message (without its prefix) from its shape and the conversation.
local function classify(items, c, from_initiator)
    if #items >= 4 and is_int(items[1]) and is_bstr(items[3]) then return "message_1" end
    if #items == 1 and is_bstr(items[1]) then
        if from_initiator then return "message_3" end
        if c.last == "message_3" then return "message_4" end
        return "message_2"
    end
    if #items >= 1 and #items <= 2 and is_int(items[1]) then return "error" end
    return nil
end

-- Dissect an EDHOC payload (bytes of tvb from base to its end). ctx: {coap = bool,
-- request = bool or nil}. Returns the message's name.
local function dissect_payload(tvb, base, pinfo, tree, ctx)
    load_keylog()
    local s = tvb:raw(base)
    local root = tree:add(edhoc, tvb(base))
    local ck = conv_key(pinfo)
    local c = CONV[ck]
    local frame = FRAMES[pinfo.number]
    if frame == nil then
        frame = {}
        FRAMES[pinfo.number] = frame
    end
    local items, why, at = cbor_seq(s, 1)
    if why or #items == 0 then
        root:add_proto_expert_info(E.malformed, NOT_EDHOC .. "not a CBOR sequence: " .. (why or "empty")
            .. " at byte " .. ((at or 1) - 1))
        return nil
    end
    -- the Appendix A.2 prefix of an Initiator's message
    local prefix, first = nil, 1
    if items[1].major == 7 and items[1].value == true then
        prefix, first = items[1], 2
    end
    local rest = {}
    for i = first, #items do rest[#rest + 1] = items[i] end
    local from_initiator
    if not pinfo.visited then
        if #rest >= 4 and is_int(rest[1]) and is_bstr(rest[3]) then -- message_1: a new session
            c = { initiator = sender(pinfo), transport = c and c.transport }
            CONV[ck] = c
        end
        c = c or {}
        CONV[ck] = c
        from_initiator = c.initiator == sender(pinfo)
        frame.from_initiator = from_initiator
    else
        from_initiator = frame.from_initiator
        c = frame.conv or c or {}
    end
    -- the connection identifier prefix of Appendix A.2: over CoAP every request has
    -- one (C_R before the Initiator's message_3 in the forward flow, C_I before the
    -- Responder's message_2 and message_4 in the reverse flow, A.2.2), no response has;
    -- over raw UDP the Initiator's messages after a prefixed message_1. A message_1
    -- without its `true` keeps its METHOD.
    local looks_m1 = #rest >= 4 and is_int(rest[1]) and is_bstr(rest[3])
    local prefixed = ctx.coap and ctx.request or (not ctx.coap and from_initiator and c.prefixed)
    if prefix == nil and prefixed and #rest >= 2 and not looks_m1 then
        prefix = rest[1]
        table.remove(rest, 1)
    end
    local kind = frame.kind
    if not pinfo.visited then
        kind = classify(rest, c, from_initiator)
        frame.kind, frame.conv = kind, { initiator = c.initiator, last = c.last, g_x = c.g_x,
            suite = c.suite, prefixed = c.prefixed, c_r = c.c_r, c_i = c.c_i }
        if kind then c.last = kind end
    end
    local cs = frame.conv or c
    if prefix then
        -- the server's identifier: C_R when the Initiator is the client, C_I when the
        -- Responder is (the reverse flow)
        local id_name = from_initiator and "C_R" or "C_I"
        local want = from_initiator and cs.c_r or cs.c_i
        local ti = add(root, F.prefix, tvb, base, prefix,
            prefix.major == 7 and "true: message_1 follows" or id_name)
        if kind == "message_1" and not (prefix.major == 7 and prefix.value == true) then
            ti:add_proto_expert_info(E.prefix, "message_1 must be prefixed with true (0xf5)")
        elseif kind ~= "message_1" and want and raw(s, prefix) ~= want then
            ti:add_proto_expert_info(E.prefix, "the prefix " .. tohex(raw(s, prefix))
                .. " is not this session's " .. id_name .. " (" .. tohex(want)
                .. (from_initiator and " in PLAINTEXT_2)" or " in message_1)"))
        end
    elseif ctx.request and kind == "message_1" then
        root:add_proto_expert_info(E.prefix, "message_1 without the prefix true (0xf5)")
    elseif ctx.request and kind == "message_3" and not ctx.combined then
        root:add_proto_expert_info(E.prefix, "message_3 without the prefix C_R")
    elseif ctx.request and (kind == "message_2" or kind == "message_4") then
        root:add_proto_expert_info(E.prefix, kind .. " without the prefix C_I (the reverse "
            .. "message flow, RFC 9528 Appendix A.2.2)")
    end
    if kind == nil then
        root:add_proto_expert_info(E.malformed)
        root:append_text(": unknown message")
        return nil
    end
    root:append_text(": " .. kind)
    root:add(F.message, kind)
    pinfo.cols.info:append(" EDHOC " .. kind)
    if kind == "message_1" then
        local m, suites = rest[1], rest[2]
        add(root, F.method, tvb, base, m)
        local list, selected = {}, nil
        if suites.major == 4 then
            for _, x in ipairs(suites.value) do list[#list + 1] = tostring(x.value) end
            selected = suites.value[#suites.value] and suites.value[#suites.value].value
        else
            list[1], selected = tostring(suites.value), suites.value
        end
        add(root, F.suites_i, tvb, base, suites):set_text("SUITES_I: [" .. table.concat(list, ", ") .. "]")
        if type(selected) == "number" and selected >= 0 and selected < 2147483648 then
            root:add(F.selected_suite, selected):set_generated()
        end
        add(root, F.g_x, tvb, base, rest[3])
        add(root, F.c_i, tvb, base, rest[4])
        add_ead(root, tvb, base, s, rest, 5)
        if not pinfo.visited then
            c.g_x, c.suite, c.prefixed = rest[3].value, selected, prefix ~= nil
            c.c_i = raw(s, rest[4])
            frame.conv.g_x, frame.conv.suite, frame.conv.c_i = c.g_x, c.suite, c.c_i
        end
        local sess = KEYS.by_g_x[tohex(rest[3].value)]
        if sess then root:add(F.session, sess.who) end
        return kind
    end
    if kind == "error" then
        add(root, F.err_code, tvb, base, rest[1])
        if rest[2] then
            local label = ""
            if rest[1].value == 2 then label = "SUITES_R" end
            add(root, F.err_info, tvb, base, rest[2], label ~= "" and label or nil)
        end
        return kind
    end
    local sess = cs.g_x and KEYS.by_g_x[tohex(cs.g_x)]
    local suite = cs.suite
    local body = rest[1]
    if kind == "message_2" then
        local coord = SUITES[suite] and SUITES[suite].coord or 32
        local v = body.value
        local sub = add(root, F.g_y_ciphertext_2, tvb, base, body)
        if #v < coord then
            sub:add_proto_expert_info(E.malformed, NOT_EDHOC .. "G_Y_CIPHERTEXT_2 is shorter than G_Y")
            return kind
        end
        local off = base + body.start - 1 + body.head
        sub:add(F.g_y, tvb(off, coord))
        if #v > coord then sub:add(F.ciphertext_2, tvb(off + coord, #v - coord)) end
        if sess and sess.keystream_2 then
            root:add(F.session, sess.who)
            local ct = v:sub(coord + 1)
            if #sess.keystream_2 >= #ct then
                local c_r = plaintext_tree(root, 2, xor_into(ct, sess.keystream_2))
                if not pinfo.visited then c.c_r = c_r end
            end
        else
            root:add_proto_expert_info(E.nokey)
        end
    else
        local n = kind == "message_3" and 3 or 4
        local f = n == 3 and F.ciphertext_3 or F.ciphertext_4
        add(root, f, tvb, base, body)
        local key, iv = sess and sess["k_" .. n], sess and sess["iv_" .. n]
        if key and iv then
            root:add(F.session, sess.who)
            local pt, tag = aead_decrypt(suite, key, iv, body.value)
            if pt then
                plaintext_tree(root, n, pt)
                root:add(F.tag, tvb(base + body.stop - #tag, #tag))
            end
        else
            root:add_proto_expert_info(E.nokey)
        end
    end
    if #items > first + (prefix and 1 or 0) and kind ~= "message_1" and kind ~= "error" then
        root:add_proto_expert_info(E.trailing)
    end
    return kind
end

---------------------------------------------------------------------- CoAP
local coap = Dissector.get("coap")

-- A CoAP message's code, whether it is a request to /.well-known/edhoc or carries
-- Content-Format 64/65, and the payload's offset (0-based; nil when none).
local function coap_parse(s)
    local b0, code = s:byte(1), s:byte(2)
    if b0 == nil or code == nil or rshift(b0, 6) ~= 1 then return nil end
    local tkl = band(b0, 15)
    if tkl > 8 or #s < 4 + tkl then return nil end
    local p, num, path, cf, oscore, edhoc_opt = 5 + tkl, 0, {}, nil, false, false
    while p <= #s do
        local ob = s:byte(p)
        if ob == 0xff then
            if p == #s then return nil end
            return { code = code, path = table.concat(path, "/"), cf = cf, payload = p,
                oscore = oscore, edhoc_opt = edhoc_opt }
        end
        local d, l = rshift(ob, 4), band(ob, 15)
        p = p + 1
        if d == 13 then d, p = 13 + (s:byte(p) or 0), p + 1
        elseif d == 14 then d, p = 269 + ((s:byte(p) or 0) * 256 + (s:byte(p + 1) or 0)), p + 2
        elseif d == 15 then return nil end
        if l == 13 then l, p = 13 + (s:byte(p) or 0), p + 1
        elseif l == 14 then l, p = 269 + ((s:byte(p) or 0) * 256 + (s:byte(p + 1) or 0)), p + 2
        elseif l == 15 then return nil end
        num = num + d
        if p + l - 1 > #s then return nil end
        local v = s:sub(p, p + l - 1)
        if num == 11 then path[#path + 1] = v end
        if num == 9 then oscore = true end
        if num == 21 then edhoc_opt = true end
        if num == 12 then
            cf = 0
            for i = 1, #v do cf = cf * 256 + v:byte(i) end
        end
        p = p + l
    end
    return { code = code, path = table.concat(path, "/"), cf = cf, payload = nil,
        oscore = oscore, edhoc_opt = edhoc_opt }
end

local DONE = {} -- frames whose payload the media_type path dissected

-- media_type: CoAP with Content-Format 64 or 65 (by name in newer Wireshark, as
-- "Unknown Type N" in 4.0).
local function dissect_media(tvb, pinfo, tree)
    DONE[pinfo.number] = true
    local request = pinfo.match_string and pinfo.match_string:find("65") ~= nil
        or (pinfo.match_string or ""):find("cid%-edhoc") ~= nil
    dissect_payload(tvb, 0, pinfo, tree, { coap = true, request = request })
    return tvb:len()
end
function edhoc_coap.dissector(tvb, pinfo, tree)
    return guarded(dissect_media, tvb, pinfo, tree)
end

local media = DissectorTable.get("media_type")
for _, name in ipairs({ "application/edhoc+cbor-seq", "application/cid-edhoc+cbor-seq",
    "Unknown Type 64", "Unknown Type 65" }) do
    media:add(name, edhoc_coap)
end

local function is_raw_message_1(s)
    local items, why = cbor_seq(s, 1)
    if why then return false end
    local f = 1
    if items[1] and items[1].major == 7 and items[1].value == true then f = 2 end
    local m, g = items[f], items[f + 2]
    return #items >= f + 3 and is_int(m) and m.value >= 0 and m.value <= 23 and is_bstr(g)
        and (#g.value == 32 or #g.value == 48 or #g.value == 56)
end

-- A datagram: CoAP carrying EDHOC, or raw EDHOC. A CoAP payload without
-- Content-Format is EDHOC when it is a request to /.well-known/edhoc or the answer
-- to one (never an OSCORE message).
local function dissect_datagram(tvb, pinfo, tree)
    local s = tvb:raw()
    local ck = conv_key(pinfo)
    local fr = FRAMES[pinfo.number]
    if fr == nil or fr.transport == nil then
        fr = fr or {}
        FRAMES[pinfo.number] = fr
        local c = CONV[ck]
        local cp = coap_parse(s)
        if cp and cp.code == 2 and (cp.path == ".well-known/edhoc" or cp.cf == 65) then
            fr.transport = "coap"
        elseif is_raw_message_1(s) then
            fr.transport = "raw"
        elseif c and c.transport then
            fr.transport = c.transport
        end
        if fr.transport then
            CONV[ck] = CONV[ck] or {}
            c = CONV[ck]
            c.transport = fr.transport
            if fr.transport == "coap" and cp and not cp.oscore then
                if cp.code >= 1 and cp.code <= 31 then -- a request
                    c.edhoc_request = cp.path == ".well-known/edhoc"
                    fr.edhoc_payload = c.edhoc_request
                elseif cp.code >= 64 then
                    fr.edhoc_payload = c.edhoc_request
                end
            end
        end
    end
    if fr.transport == nil then return 0 end
    local cp = coap_parse(s)
    if cp and cp.edhoc_opt and cp.payload and cp.code >= 1 and cp.code <= 31 then
        -- RFC 9668 §3.2: the EDHOC + OSCORE request, its payload message_3's CIPHERTEXT_3
        -- then the OSCORE ciphertext
        coap:call(tvb, pinfo, tree)
        local m3 = cbor_item(s, cp.payload + 1)
        if m3 then
            local sub = tvb(cp.payload, m3.stop - cp.payload):tvb()
            dissect_payload(sub, 0, pinfo, tree, { coap = true, request = true, combined = true })
        end
        return tvb:len()
    end
    if fr.transport == "coap" then
        coap:call(tvb, pinfo, tree)
        if not DONE[pinfo.number] and fr.edhoc_payload and cp and cp.payload then
            dissect_payload(tvb, cp.payload, pinfo, tree,
                { coap = true, request = cp.code >= 1 and cp.code <= 31 })
        elseif fr.edhoc_payload and cp and cp.code == 2 and cp.payload == nil then
            -- RFC 9528 Appendix A.2.2: the Responder, the CoAP client, starts a session
            local root = tree:add(edhoc, tvb())
            root:append_text(": trigger")
            root:add(F.message, "trigger")
            pinfo.cols.info:append(" EDHOC trigger (reverse message flow)")
        end
        return tvb:len()
    end
    if fr.oscore == nil then -- raw EDHOC, then OSCORE-protected CoAP (RFC 9668, RFC 8613)
        -- an EDHOC message is a CBOR sequence that parses to its end; random bytes (a
        -- ciphertext) can look like CoAP with an OSCORE option, so that is asked second
        local items, why = cbor_seq(s, 1)
        local cp = coap_parse(s)
        fr.oscore = (why ~= nil or #items == 0) and cp ~= nil and cp.oscore
    end
    if fr.oscore then
        coap:call(tvb, pinfo, tree)
        return tvb:len()
    end
    pinfo.cols.protocol = "EDHOC"
    pinfo.cols.info = ""
    dissect_payload(tvb, 0, pinfo, tree, { coap = false })
    return tvb:len()
end

local function dissect_udp(tvb, pinfo, tree)
    local n = dissect_datagram(tvb, pinfo, tree)
    if n == 0 then -- decoded as EDHOC by the user: raw
        pinfo.cols.protocol = "EDHOC"
        dissect_payload(tvb, 0, pinfo, tree, { coap = false })
        return tvb:len()
    end
    return n
end

function edhoc.dissector(tvb, pinfo, tree)
    return guarded(dissect_udp, tvb, pinfo, tree)
end

function edhoc.init()
    CONV, FRAMES, DONE = {}, {}, {}
    KEYS.loaded = nil
end

local function heuristic(tvb, pinfo, tree)
    return guarded(dissect_datagram, tvb, pinfo, tree) > 0
end
edhoc:register_heuristic("udp", heuristic)
DissectorTable.get("udp.port"):add_for_decode_as(edhoc)
