/*! Leadbot chat widget: one script tag, no dependencies, no third-party requests.
 *  <script src="https://YOUR-HOST/widget.js" data-title="Acme" data-color="#0b5cad" async></script>
 *  Speaks the rasa-webchat protocol over socket.io (engine.io v4, WebSocket only) to the host
 *  it was loaded from. Nothing is stored in the browser before the visitor opens the chat.
 *  Bot, rep and visitor text is only ever set as text (never as HTML). */
(function () {
  "use strict";
  if (window.__leadbot) return;
  window.__leadbot = true;
  var CONFIG = /*LEADBOT_CONFIG*/null || {};
  var script = document.currentScript || document.querySelector('script[src*="widget.js"]');
  var data = (script && script.dataset) || {};
  var base = new URL(script && script.src ? script.src : location.href, location.href);
  var title = data.title || "Chat with us";
  var color = /^#[0-9a-f]{6}$/i.test(data.color || "") ? data.color : "#0b5cad";
  var KEY = "leadbot:" + base.host + ":";
  var store = {
    get: function (k) { try { return localStorage.getItem(KEY + k); } catch (e) { return null; } },
    set: function (k, v) { try { localStorage.setItem(KEY + k, v); } catch (e) { /* private mode */ } },
    del: function (k) { try { localStorage.removeItem(KEY + k); } catch (e) { /* ignore */ } }
  };

  // -- looks ---------------------------------------------------------------------------
  function luminance(hex) {
    var c = [1, 3, 5].map(function (i) {
      var v = parseInt(hex.substr(i, 2), 16) / 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  }
  var onColor = luminance(color) > 0.18 ? "#111" : "#fff";
  var CSS = [
    ":host{all:initial}",
    "*{box-sizing:border-box;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}",
    ".launch{position:fixed;right:20px;bottom:20px;width:60px;height:60px;border-radius:50%;border:0;",
    "background:var(--c);color:var(--on);cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.3);z-index:2147483000}",
    ".launch svg{width:28px;height:28px;fill:currentColor}",
    "button:focus-visible,a:focus-visible,textarea:focus-visible{outline:3px solid #1a1a1a;outline-offset:2px;box-shadow:0 0 0 5px #fff}",
    ".greet{position:fixed;right:20px;bottom:92px;max-width:280px;background:#fff;color:#1a1a1a;border-radius:12px;",
    "padding:12px 36px 12px 14px;box-shadow:0 4px 16px rgba(0,0,0,.2);z-index:2147483000;font-size:15px;line-height:1.4}",
    ".greet .open{all:unset;cursor:pointer;display:block}",
    ".greet .x{position:absolute;top:4px;right:4px;width:28px;height:28px;border:0;background:none;font-size:18px;cursor:pointer;color:#444}",
    ".panel{position:fixed;right:20px;bottom:92px;width:380px;height:min(620px,calc(100vh - 112px));display:flex;",
    "flex-direction:column;background:#fff;color:#1a1a1a;border-radius:14px;overflow:hidden;",
    "box-shadow:0 8px 30px rgba(0,0,0,.3);z-index:2147483001;font-size:15px;line-height:1.45}",
    ".panel[hidden],.greet[hidden],.typing[hidden],.status[hidden],.privacy[hidden]{display:none}",
    "header{display:flex;align-items:center;gap:8px;padding:12px 12px 12px 16px;background:var(--c);color:var(--on)}",
    "header h2{flex:1;margin:0;font-size:17px;font-weight:600}",
    "header button{width:44px;height:44px;border:0;border-radius:8px;background:transparent;color:inherit;font-size:22px;cursor:pointer}",
    ".log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:8px;overscroll-behavior:contain}",
    ".m{max-width:85%;padding:9px 12px;border-radius:14px;white-space:pre-wrap;overflow-wrap:anywhere}",
    ".m p{margin:0}.m ul,.m ol{margin:4px 0;padding-left:20px}",
    ".bot,.agent{align-self:flex-start;background:#eef1f5;color:#1a1a1a;border-bottom-left-radius:4px}",
    ".visitor{align-self:flex-end;background:var(--c);color:var(--on);border-bottom-right-radius:4px}",
    ".visitor a{color:inherit}.bot a,.agent a{color:#0a4a8f}",
    ".who{display:block;font-size:13px;font-weight:600;color:#404040;margin-bottom:2px}",
    ".notice{align-self:center;max-width:95%;font-size:13px;color:#404040;background:none;text-align:center;padding:2px}",
    ".error{align-self:flex-start;background:#fdecea;color:#5f1410}",
    ".state{display:block;font-size:12px;margin-top:2px;opacity:.9}",
    ".state button{font:inherit;text-decoration:underline;background:none;border:0;color:inherit;cursor:pointer;padding:4px}",
    ".replies{display:flex;flex-wrap:wrap;gap:6px;align-self:flex-start}",
    ".replies button{min-height:44px;padding:8px 14px;border-radius:20px;border:2px solid var(--c);background:#fff;color:#1a1a1a;cursor:pointer;font-size:14px}",
    ".replies button:disabled{opacity:.55;cursor:default}",
    ".typing{align-self:flex-start;padding:9px 12px;border-radius:14px;background:#eef1f5;color:#404040}",
    ".typing span{display:inline-block;width:7px;height:7px;margin:0 2px;border-radius:50%;background:#555;animation:b 1.2s infinite}",
    ".typing span:nth-child(2){animation-delay:.2s}.typing span:nth-child(3){animation-delay:.4s}",
    "@keyframes b{0%,80%,100%{opacity:.3}40%{opacity:1}}",
    ".status{padding:6px 12px;background:#fff4d6;color:#4a3500;font-size:13px;text-align:center}",
    ".privacy{padding:6px 12px;font-size:12px;color:#404040;border-top:1px solid #e3e3e3}",
    ".privacy a{color:#0a4a8f}",
    "form{display:flex;gap:8px;padding:10px;border-top:1px solid #e3e3e3;background:#fff}",
    "textarea{flex:1;resize:none;min-height:44px;max-height:120px;padding:10px;border:1px solid #6b6b6b;border-radius:10px;font-size:16px;color:#1a1a1a;background:#fff}",
    "form button{min-width:64px;min-height:44px;border:0;border-radius:10px;background:var(--c);color:var(--on);font-size:15px;font-weight:600;cursor:pointer}",
    ".sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}",
    "@media (max-width:479px){.panel{inset:0;width:100%;height:100%;border-radius:0;bottom:auto;right:auto}",
    ".panel.kb{height:var(--vh)}.launch.open{display:none}}",
    "@media (prefers-reduced-motion:reduce){*{animation:none!important;transition:none!important}}"
  ].join("");

  var ICON = '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"/></svg>';
  var host = document.createElement("div");
  host.setAttribute("data-leadbot", "");
  var root = host.attachShadow({ mode: "open" });
  // The skeleton is our own constant markup; every text from outside is set with textContent.
  root.innerHTML =
    "<style>" + CSS + "</style>" +
    '<div class="greet" hidden><button class="open" type="button"></button><button class="x" type="button" aria-label="Dismiss">\u00d7</button></div>' +
    '<button class="launch" type="button" aria-expanded="false" aria-controls="lb-panel">' + ICON + '<span class="sr">Open chat</span></button>' +
    '<section class="panel" id="lb-panel" role="dialog" aria-labelledby="lb-title" hidden>' +
    '<header><h2 id="lb-title"></h2><button class="close" type="button" aria-label="Close chat">\u00d7</button></header>' +
    '<div class="status" role="status" hidden></div>' +
    '<div class="log" role="log" aria-live="polite" aria-relevant="additions" aria-label="Conversation" tabindex="0"></div>' +
    '<div class="typing" hidden aria-hidden="true"><span></span><span></span><span></span></div>' +
    '<p class="privacy" hidden></p>' +
    '<form><label class="sr" for="lb-input">Your message</label>' +
    '<textarea id="lb-input" rows="1" autocomplete="off" placeholder="Type your message\u2026"></textarea>' +
    '<button type="submit">Send</button></form></section>';
  root.host.style.setProperty("--c", color);
  root.host.style.setProperty("--on", onColor);
  function $(sel) { return root.querySelector(sel); }
  var launch = $(".launch"), panel = $(".panel"), log = $(".log"), typing = $(".typing");
  var status = $(".status"), privacy = $(".privacy"), form = $("form"), input = $("textarea");
  var greet = $(".greet");
  $("#lb-title").textContent = title;
  panel.setAttribute("aria-label", title);
  log.appendChild(typing);

  // -- safe markdown: **bold**, [links](https://...), bare links, - lists; text nodes only --
  function safeHref(href) {
    try {
      var u = new URL(href, location.href);
      return /^(https?|mailto):$/.test(u.protocol) ? u.href : null;
    } catch (e) { return null; }
  }
  function link(text, href) {
    var a = document.createElement("a");
    a.textContent = text;
    a.href = href;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    return a;
  }
  var INLINE = /\*\*([^*]+)\*\*|\[([^\]]+)\]\(([^)\s]+)\)|(https?:\/\/[^\s<>()]+[^\s<>().,;:!?'"])/g;
  function inline(parent, text) {
    var at = 0, m;
    INLINE.lastIndex = 0;
    while ((m = INLINE.exec(text))) {
      if (m.index > at) parent.appendChild(document.createTextNode(text.slice(at, m.index)));
      if (m[1]) {
        var b = document.createElement("strong");
        b.textContent = m[1];
        parent.appendChild(b);
      } else {
        var href = safeHref(m[3] || m[4]);
        parent.appendChild(href ? link(m[2] || m[4], href) : document.createTextNode(m[0]));
      }
      at = INLINE.lastIndex;
    }
    if (at < text.length) parent.appendChild(document.createTextNode(text.slice(at)));
  }
  function markdown(parent, text) {
    var list = null, para = null;
    String(text).split("\n").forEach(function (line) {
      var item = /^\s*(?:[-*]|(\d+)[.)])\s+(.*)$/.exec(line);
      if (item) {
        var kind = item[1] ? "OL" : "UL";
        if (!list || list.nodeName !== kind) { list = document.createElement(kind); parent.appendChild(list); }
        var li = document.createElement("li");
        inline(li, item[2]);
        list.appendChild(li);
        para = null;
      } else {
        list = null;
        if (!para) { para = document.createElement("p"); parent.appendChild(para); }
        else para.appendChild(document.createTextNode("\n"));
        inline(para, line);
      }
    });
  }

  // -- state --------------------------------------------------------------------------
  var shown = {};        // message id -> element
  var groups = {};       // message id -> its quick replies
  var outbox = [];       // visitor messages not yet acknowledged: {id, text, display, meta}
  var token = store.get("token");
  var opened = false, ws = null, connected = false, retries = 0, ackId = 0, acks = {};
  var watchdog = null, pingWait = 45000, reconnectTimer = null;
  try { outbox = JSON.parse(store.get("outbox") || "[]"); } catch (e) { outbox = []; }

  function saveOutbox() {
    if (!(opened || token)) return;
    store.set("outbox", JSON.stringify(outbox.map(function (o) {
      return { id: o.id, text: o.text, display: o.display, meta: o.meta };
    })));
  }
  function newId() {
    var a = new Uint8Array(12);
    (window.crypto || window.msCrypto).getRandomValues(a);
    return "c" + Array.prototype.map.call(a, function (x) { return ("0" + x.toString(16)).slice(-2); }).join("");
  }
  function context() {
    var here = new URL(location.href), meta = {
      page_url: location.href,
      referrer: document.referrer || "",
      language: navigator.language || ""
    };
    try { meta.time_zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { /* old browser */ }
    var landing = {};
    try { landing = JSON.parse(store.get("utm") || "{}"); } catch (e) { landing = {}; }
    ["utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"].forEach(function (k) {
      var v = here.searchParams.get(k) || landing[k];
      if (v) { meta[k] = v; landing[k] = landing[k] || v; }
    });
    store.set("utm", JSON.stringify(landing));
    return meta;
  }

  function scroll() { log.scrollTop = log.scrollHeight; }
  function setTyping(on) { typing.hidden = !on; log.appendChild(typing); if (on) scroll(); }
  function disableOlderReplies() {
    Array.prototype.forEach.call(log.querySelectorAll(".replies button"), function (b) { b.disabled = true; });
  }

  function render(msg) {
    if (!msg || !msg.id || shown[msg.id]) return shown[msg && msg.id];
    var sender = msg.sender === "visitor" ? "visitor" : msg.sender === "agent" ? "agent" : "bot";
    if (sender === "visitor") disableOlderReplies();
    var el = document.createElement("div");
    el.className = "m " + sender + (msg.kind === "notice" ? " notice" : msg.kind === "error" ? " error" : "");
    if (sender === "agent" && msg.rep && msg.kind !== "notice") {
      var who = document.createElement("span");
      who.className = "who";
      who.textContent = msg.rep;
      el.appendChild(who);
    } else if (sender !== "visitor" && msg.kind !== "notice") {
      var label = document.createElement("span");
      label.className = "sr";
      label.textContent = sender === "bot" ? title + " says: " : "";
      el.appendChild(label);
    } else if (sender === "visitor") {
      var me = document.createElement("span");
      me.className = "sr";
      me.textContent = "You said: ";
      el.appendChild(me);
    }
    if (typeof msg.text === "string" && msg.text) markdown(el, msg.text);
    var img = msg.attachment && msg.attachment.type === "image" && msg.attachment.payload && safeHref(msg.attachment.payload.src);
    if (img && /^https?:/.test(img)) {
      var i = document.createElement("img");
      i.src = img;
      i.alt = "";
      i.style.maxWidth = "100%";
      el.appendChild(i);
    }
    if (!el.textContent && !img) return null;
    shown[msg.id] = el;
    log.appendChild(el);
    if (msg.quick_replies && msg.quick_replies.length) {
      var group = document.createElement("div");
      group.className = "replies";
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", "Suggested answers");
      msg.quick_replies.forEach(function (q) {
        var b = document.createElement("button");
        b.type = "button";
        b.textContent = q.title;
        b.addEventListener("click", function () {
          if (b.disabled) return;
          disableOlderReplies();
          send(String(q.payload || q.title), String(q.title));
          input.focus();
        });
        group.appendChild(b);
      });
      groups[msg.id] = group;
      log.appendChild(group);
    }
    log.appendChild(typing);
    scroll();
    return el;
  }

  function markState(id, text, retry) {
    var el = shown[id];
    if (!el) return;
    var old = el.querySelector(".state");
    if (old) el.removeChild(old);
    if (!text) return;
    var s = document.createElement("span");
    s.className = "state";
    s.textContent = text + " ";
    if (retry) {
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = "Retry";
      b.addEventListener("click", function () {
        markState(id, "Sending\u2026");
        var item = outbox.filter(function (o) { return o.id === id; })[0];
        if (item) { item.hold = false; flush(); }
      });
      s.appendChild(b);
    }
    el.appendChild(s);
  }

  // -- engine.io v4 / socket.io v5 over one WebSocket -----------------------------------
  function wsUrl() {
    return (base.protocol === "https:" ? "wss://" : "ws://") + base.host + "/socket.io/?EIO=4&transport=websocket";
  }
  function rawSend(s) { if (ws && ws.readyState === 1) ws.send(s); }
  function emit(event, payload, cb) {
    var id = "";
    if (cb) { id = String(++ackId); acks[id] = cb; }
    rawSend("42" + id + JSON.stringify([event, payload]));
  }
  function armWatchdog() {
    clearTimeout(watchdog);
    watchdog = setTimeout(function () { drop("no heartbeat"); }, pingWait);
  }
  function showStatus(text) { status.textContent = text || ""; status.hidden = !text; }
  function drop() {
    if (ws) { try { ws.onclose = null; ws.close(); } catch (e) { /* closed */ } }
    ws = null;
    if (connected || opened) showStatus("Reconnecting\u2026");
    connected = false;
    acks = {};
    outbox.forEach(function (o) { o.inflight = false; o.hold = false; }); // retried once back
    clearTimeout(watchdog);
    setTyping(false);
    scheduleReconnect();
  }
  function scheduleReconnect() {
    clearTimeout(reconnectTimer);
    if (navigator.onLine === false) return; // the "online" event brings us back
    var wait = Math.min(8000, 500 * Math.pow(2, retries++)) * (0.75 + Math.random() / 2);
    reconnectTimer = setTimeout(connect, wait);
  }
  function connect() {
    clearTimeout(reconnectTimer);
    if (ws) return;
    try { ws = new WebSocket(wsUrl()); } catch (e) { ws = null; scheduleReconnect(); return; }
    ws.onclose = function () { ws = null; drop(); };
    ws.onerror = function () { /* onclose follows */ };
    ws.onmessage = function (e) {
      var d = String(e.data);
      if (d[0] === "0") {
        try { var hs = JSON.parse(d.slice(1)); pingWait = hs.pingInterval + hs.pingTimeout; } catch (x) { /* defaults */ }
        armWatchdog();
        rawSend("40");
      } else if (d[0] === "2") {
        armWatchdog();
        rawSend("3");
      } else if (d[0] === "4") {
        var t = d[1], rest = d.slice(2), n = /^\d+/.exec(rest), id = n ? n[0] : "";
        var body = rest.slice(id.length);
        if (t === "0") emit("session_request", { session_id: token, leadbot: 1 }, null);
        else if (t === "2" || t === "3") {
          var arr;
          try { arr = JSON.parse(body); } catch (x) { return; }
          if (t === "3") { var cb = acks[id]; delete acks[id]; if (cb) cb(arr[0]); }
          else if (handlers[arr[0]]) handlers[arr[0]](arr[1]);
        } else if (t === "4") showStatus("The chat is not available on this site.");
      }
    };
  }

  var greeted = false;
  var handlers = {
    session_confirm: function (c) {
      var t = c && c.session_id ? c.session_id : c;
      if (t !== token) { token = t; if (opened) store.set("token", token); }
      connected = true;
      retries = 0;
      showStatus("");
      emit("history", {}, function (h) {
        if (!h || h.error) { flush(); return; }
        var seen = {};
        (h.messages || []).forEach(function (m) { seen[m.id] = true; render(m); });
        outbox = outbox.filter(function (o) {
          if (seen[o.id]) { markState(o.id, ""); return false; }
          return true;
        });
        saveOutbox();
        // The server's order wins: what arrived while away goes before what waits to be sent.
        (h.messages || []).forEach(function (m) {
          if (shown[m.id]) log.appendChild(shown[m.id]);
          if (groups[m.id]) log.appendChild(groups[m.id]);
        });
        outbox.forEach(function (o) {
          if (o.text.charAt(0) !== "/" || o.display) render({ id: o.id, sender: "visitor", text: o.display || o.text });
          if (shown[o.id]) log.appendChild(shown[o.id]);
        });
        log.appendChild(typing);
        var last = h.messages && h.messages[h.messages.length - 1];
        if (last && last.sender === "visitor") disableOlderReplies();
        if (!h.messages || !h.messages.length) greetOnce();
        flush();
      });
    },
    bot_uttered: function (m) {
      setTyping(false);
      if (m && m.kind === "error" && m.retry) {
        outbox.forEach(function (o) { if (o.id === m.retry) o.hold = true; });
        markState(m.retry, "Not delivered.", true);
        if (!shown[m.retry]) setTimeout(function () { // the greeting has no Retry button
          outbox.forEach(function (o) { if (o.id === m.retry) o.hold = false; });
          flush();
        }, 15000);
      }
      if (m && m.kind === "notice" && m.retry) {
        outbox.forEach(function (o) { if (o.id === m.retry) o.hold = true; });
        markState(m.retry, "Not sent yet.", true);
      }
      render(m);
    },
    visitor_uttered: function (m) { render(m); }
  };

  function greetOnce() {
    if (greeted || !opened) return;
    greeted = true;
    queue("/greet", null, "greet");
  }
  function queue(text, display, id) {
    var item = { id: id || newId(), text: text, display: display, meta: context() };
    outbox.push(item);
    saveOutbox();
    if (text.charAt(0) !== "/" || display) {
      render({ id: item.id, sender: "visitor", text: display || text });
      markState(item.id, connected ? "" : "Will be sent when you're back online.");
    }
    flush();
  }
  function flush() {
    if (!connected) return;
    outbox.forEach(function (item) {
      if (item.inflight || item.hold) return;
      item.inflight = true;
      var meta = {};
      for (var k in item.meta) meta[k] = item.meta[k];
      meta.message_id = item.id;
      if (item.display) meta.display = item.display;
      setTyping(true);
      emit("user_uttered", { message: item.text, customData: meta, session_id: token }, function (a) {
        item.inflight = false;
        var st = a && a.status;
        if (st === "ok" || st === "duplicate" || st === "too_long" || st === "refused") {
          outbox = outbox.filter(function (o) { return o !== item; });
          saveOutbox();
          markState(item.id, st === "too_long" ? "Too long: not sent." : "");
          if (!(a && a.replies)) setTyping(false);
        } else {
          item.hold = true;
          setTyping(false);
        }
      });
    });
  }
  function send(text, display) {
    if (!text.trim()) return;
    queue(text, display || null);
  }

  // -- opening, closing, keyboard ------------------------------------------------------
  function open() {
    if (!opened) {
      opened = true;
      if (token) store.set("token", token);
      saveOutbox();
    }
    store.set("open", "1"); // a reload or another page reopens it
    hideGreeting();
    panel.hidden = false;
    launch.setAttribute("aria-expanded", "true");
    launch.classList.add("open");
    launch.querySelector(".sr").textContent = "Close chat";
    privacy.hidden = false;
    fit();
    if (!ws) connect(); else if (connected && !Object.keys(shown).length) greetOnce();
    input.focus();
  }
  function close() {
    panel.hidden = true;
    store.set("open", "0");
    launch.setAttribute("aria-expanded", "false");
    launch.classList.remove("open");
    launch.querySelector(".sr").textContent = "Open chat";
    launch.focus();
  }
  launch.addEventListener("click", function () { panel.hidden ? open() : close(); });
  $(".close").addEventListener("click", close);
  panel.addEventListener("keydown", function (e) { if (e.key === "Escape") close(); });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value;
    if (!text.trim()) return;
    if (CONFIG.maxChars && text.length > CONFIG.maxChars) {
      showStatus("Please keep it under " + CONFIG.maxChars + " characters.");
      return;
    }
    input.value = "";
    send(text);
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit")); }
  });
  window.addEventListener("offline", function () { drop(); });
  window.addEventListener("online", function () { retries = 0; if (opened || token) connect(); });

  // Phones: keep the input above the on-screen keyboard.
  function fit() {
    var vv = window.visualViewport;
    if (!vv || window.innerWidth >= 480) { panel.classList.remove("kb"); return; }
    panel.classList.add("kb");
    panel.style.setProperty("--vh", vv.height + "px");
    panel.style.top = vv.offsetTop + "px";
  }
  if (window.visualViewport) window.visualViewport.addEventListener("resize", fit);

  // -- privacy notice and proactive greeting -------------------------------------------
  privacy.appendChild(document.createTextNode("We keep this conversation to answer you. "));
  var policy = CONFIG.privacyUrl && safeHref(CONFIG.privacyUrl);
  if (policy) privacy.appendChild(link("Privacy policy", policy));

  function hideGreeting() { greet.hidden = true; }
  function glob(p) {
    return new RegExp("^" + p.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*") + "$");
  }
  var dismissed = false;
  try { dismissed = sessionStorage.getItem(KEY + "greet") === "dismissed"; } catch (e) { dismissed = false; }
  var rule = (CONFIG.greetings || []).filter(function (g) { return glob(g.pattern).test(location.pathname); })[0];
  if (rule && !dismissed && !token) {
    setTimeout(function () {
      if (opened || dismissed) return;
      greet.querySelector(".open").textContent = rule.text;
      greet.hidden = false;
    }, Math.max(0, rule.delay) * 1000);
  }
  greet.querySelector(".open").addEventListener("click", open);
  greet.querySelector(".x").addEventListener("click", function () {
    dismissed = true;
    hideGreeting();
    // The visitor's own choice, kept for this tab's session only so it is not shown again.
    try { sessionStorage.setItem(KEY + "greet", "dismissed"); } catch (e) { /* ignore */ }
    launch.focus();
  });

  (document.body || document.documentElement).appendChild(host);
  // A returning visitor (opened the chat before): resume, reopening if it was open.
  if (token) {
    opened = true;
    connect();
    if (store.get("open") === "1") open();
  }
})();
