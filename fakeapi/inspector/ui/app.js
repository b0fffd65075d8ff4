// holdlab inspector: follows GET /holdlab/events (Server-Sent Events) and
// draws the live picture; acts through the control API and the REST API.
// No library, no build step.
"use strict";

const EVENTS = "/holdlab/events";
const TRACE_KEEP = 400; // trace entries kept on the page
let picture = null; // the last state event
let source = null; // the EventSource
const why = new Map(); // call SID -> the last status entry about it

const $ = (id) => document.getElementById(id);
// here makes a path absolute on this origin, without the credentials a
// page opened as http://user:pass@host/… has in its URL (fetch refuses
// URLs with credentials).
const here = (path) => location.origin + path;
const short = (sid) => (sid && sid.length > 8 ? sid.slice(0, 2) + ".." + sid.slice(-4) : sid || "");

function el(tag, attrs, ...children) {
  const n = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") n.className = v;
    else if (k === "text") n.textContent = v;
    else if (k.startsWith("on")) n.addEventListener(k.slice(2), v);
    else n.setAttribute(k, v);
  }
  for (const c of children) if (c != null) n.append(c);
  return n;
}

// hearingClass is the timeline's colour of what a party hears.
function hearingClass(h) {
  if (!h) return "h-nothing";
  switch (h.kind) {
    case "party": return "h-party";
    case "media":
      if (h.source === "hold-music") return "h-hold";
      if (h.source === "wait-music") return "h-wait";
      return "h-media";
    case "silence": return "h-silence";
    case "ringback": return "h-ringback";
  }
  return "h-nothing";
}

function connect() {
  if (source) source.close();
  source = new EventSource(here(EVENTS));
  source.onopen = () => setConnection("live", "live");
  source.onerror = () => setConnection("reconnecting…", "down");
  source.addEventListener("entry", (ev) => addEntry(JSON.parse(ev.data)));
  source.addEventListener("state", (ev) => render(JSON.parse(ev.data)));
  source.addEventListener("clock", (ev) => {
    const c = JSON.parse(ev.data);
    showClock(c);
    if (picture && picture.calls.some((x) => x.live)) refreshTimeline();
  });
  source.addEventListener("end", () => {
    // The fake was reset: a new session, from its first entry.
    source.close();
    setConnection("session reset: reconnecting…", "down");
    $("trace").replaceChildren();
    why.clear();
    setTimeout(connect, 200);
  });
}

function setConnection(text, cls) {
  const c = $("connection");
  c.textContent = text;
  c.className = cls;
}

function showClock(c) {
  $("clock-mode").textContent = c.mode;
  $("clock").textContent = c.elapsed;
  $("clock").setAttribute("datetime", c.now);
}

function addEntry(e) {
  if (e.kind === "status" && e.call_sid) why.set(e.call_sid, e);
  const li = el("li", { class: "k-" + e.kind, value: String(e.seq), "data-seq": String(e.seq) },
    el("span", { class: "off", text: e.offset + "  " }),
    el("span", { text: (short(e.call_sid) || "-").padEnd(9) + e.kind.padEnd(8) + e.text }));
  if (e.cause) li.append(el("span", { class: "cause", text: "  (cause: " + e.cause + ")" }));
  const list = $("trace");
  list.prepend(li);
  while (list.children.length > TRACE_KEEP) list.lastChild.remove();
}

function render(p) {
  picture = p;
  $("session").textContent = p.session;
  if (p.clock && p.clock.mode) showClock(p.clock);
  renderCalls(p);
  renderConferences(p);
  renderQueues(p);
  refreshTimeline();
}

function renderCalls(p) {
  const body = $("calls-body");
  const keep = new Set(p.calls.map((c) => "call-" + c.sid));
  for (const row of [...body.children]) if (!keep.has(row.id)) row.remove();
  if (p.calls.length === 0) {
    body.append(el("tr", { class: "empty" }, el("td", { colspan: "7", text: "No calls yet." })));
    return;
  }
  p.calls.forEach((c, i) => {
    let row = $("call-" + c.sid);
    if (!row) {
      row = el("tr", { id: "call-" + c.sid, "data-sid": c.sid });
      for (let k = 0; k < 7; k++) row.append(el(k === 0 ? "th" : "td", k === 0 ? { scope: "row" } : {}));
    }
    if (body.children[i] !== row) body.insertBefore(row, body.children[i] || null);
    row.className = c.live ? "live" : "ended";
    const cells = row.children;
    cells[0].replaceChildren(el("code", { title: c.sid, text: short(c.sid) }), c.label ? " " + c.label : "");
    cells[1].textContent = c.from + " → " + c.to;
    cells[2].textContent = c.direction;
    const last = why.get(c.sid);
    cells[3].replaceChildren(el("span", { class: "status", text: c.status }));
    if (last && !c.live) cells[3].append(el("div", { class: "since", text: last.text }));
    const kids = p.calls.filter((x) => x.parent_call_sid === c.sid);
    cells[4].replaceChildren();
    if (c.parent_call_sid) cells[4].append("child of ", el("code", { title: c.parent_call_sid, text: short(c.parent_call_sid) }));
    if (kids.length) cells[4].append(c.parent_call_sid ? "; " : "", "parent of ", ...kids.flatMap((k, j) => [j ? ", " : "", el("code", { title: k.sid, text: short(k.sid) })]));
    if (!cells[4].firstChild) cells[4].textContent = "—";
    const hears = el("span", { class: "hears", "data-kind": c.hears.kind || "" },
      el("span", { class: "swatch " + hearingClass(c.hears), "aria-hidden": "true" }),
      el("span", { class: "hears-text", text: c.hears_plain }));
    cells[5].replaceChildren(hears);
    if (c.hears_since) cells[5].append(el("div", { class: "since", text: "since " + c.hears_since }));
    if (!c.live) {
      cells[6].replaceChildren();
    } else if (!cells[6].firstChild) {
      cells[6].append(actions(c.sid));
    }
    const answer = cells[6].querySelector(".answer");
    if (answer) answer.hidden = !(c.live && c.status === "ringing" && c.direction !== "inbound");
  });
}

// actions are a live call's buttons: its party answers (a ringing outbound
// call), hangs up or presses keys.
function actions(sid) {
  const id = "digits-" + sid;
  const digits = el("input", { id, size: "5", placeholder: "1#", autocomplete: "off" });
  return el("div", { class: "actions" },
    el("button", { type: "button", class: "small answer", hidden: "", onclick: () => act("POST", `/holdlab/calls/${sid}/answer`), "aria-label": "Answer " + short(sid), text: "Answer" }),
    el("button", { type: "button", class: "small hangup", onclick: () => act("POST", `/holdlab/calls/${sid}/hangup`), "aria-label": "Hang up " + short(sid), text: "Hang up" }),
    el("label", { for: id, class: "sr-only", text: "Digits to press on " + short(sid) }), digits,
    el("button", { type: "button", class: "small", "aria-label": "Press digits on " + short(sid), text: "Press",
      onclick: () => act("POST", `/holdlab/calls/${sid}/digits`, { digits: digits.value }) }));
}

function label(sid) {
  const c = picture && picture.calls.find((x) => x.sid === sid);
  return short(sid) + (c && c.label ? " (" + c.label + ")" : "");
}

function renderConferences(p) {
  const box = $("conferences");
  if (p.conferences.length === 0) {
    box.replaceChildren(el("p", { class: "empty", text: "No conference in progress." }));
    return;
  }
  box.replaceChildren(...p.conferences.map((cf) => el("article", { class: "room", "data-sid": cf.sid },
    el("h3", { text: cf.friendly_name + " " }, el("code", { title: cf.sid, text: short(cf.sid) }), " · " + cf.status),
    cf.participants.length === 0 ? el("p", { class: "empty", text: "nobody" }) :
      el("ul", {}, ...cf.participants.map((pt) => el("li", { "data-call": pt.call_sid },
        (pt.label ? pt.label + " " : "") + label(pt.call_sid),
        pt.hold ? el("span", { class: "badge hold", text: "on hold" }) : null,
        pt.muted ? el("span", { class: "badge muted", text: "muted" }) : null,
        pt.coaching ? el("span", { class: "badge coaching", text: "coaching " + short(pt.call_sid_to_coach) }) : null))))));
}

function renderQueues(p) {
  const box = $("queues");
  if (p.queues.length === 0) {
    box.replaceChildren(el("p", { class: "empty", text: "No queue." }));
    return;
  }
  box.replaceChildren(...p.queues.map((q) => el("article", { class: "room", "data-sid": q.sid },
    el("h3", { text: q.friendly_name + " " }, el("code", { title: q.sid, text: short(q.sid) }), ` · ${q.members.length} waiting`),
    q.members.length === 0 ? el("p", { class: "empty", text: "nobody waiting" }) :
      el("ol", {}, ...q.members.map((m) => el("li", { value: String(m.position) }, label(m.call_sid) + ", waiting " + m.wait_time))))));
}

// The timeline is drawn by the server (the same renderer as --timeline);
// fetched again on a change, at most one request at a time.
let tlBusy = false, tlAgain = false;
async function refreshTimeline() {
  if (tlBusy) { tlAgain = true; return; }
  tlBusy = true;
  try {
    const r = await fetch(here("/holdlab/ui/timeline.svg"), { cache: "no-store" });
    if (r.ok) {
      const doc = new DOMParser().parseFromString(await r.text(), "image/svg+xml");
      const svg = doc.documentElement;
      if (svg && svg.nodeName === "svg") $("timeline").replaceChildren(document.importNode(svg, true));
    }
  } catch (e) {
    // The next change fetches it again.
  } finally {
    tlBusy = false;
    if (tlAgain) { tlAgain = false; setTimeout(refreshTimeline, 100); }
  }
}

// act sends a control or REST request and says how it went.
async function act(method, path, body, form) {
  const out = $("result");
  const opts = { method, headers: {} };
  if (form) {
    opts.headers["Content-Type"] = "application/x-www-form-urlencoded";
    opts.body = new URLSearchParams(form).toString();
  } else if (body !== undefined) {
    opts.headers["Content-Type"] = "application/json";
    opts.body = JSON.stringify(body);
  }
  try {
    const r = await fetch(here(path), opts);
    const text = await r.text();
    let msg = `${method} ${path}: ${r.status}`;
    try { const j = JSON.parse(text); if (j.message) msg += " " + j.message; else if (j.call_sid || j.sid) msg += " " + (j.call_sid || j.sid); } catch (e) { /* not JSON */ }
    out.textContent = msg;
    out.className = r.ok ? "" : "error";
    return r.ok;
  } catch (e) {
    out.textContent = `${method} ${path}: ${e}`;
    out.className = "error";
    return false;
  }
}

function onSubmit(id, fn) {
  $(id).addEventListener("submit", (ev) => { ev.preventDefault(); fn(new FormData(ev.target)); });
}

onSubmit("place-form", (d) => act("POST", "/holdlab/calls", { from: d.get("from"), to: d.get("to") }));
onSubmit("phone-form", (d) => {
  const body = { answer: d.get("answer") };
  if (d.get("name")) body.name = d.get("name");
  if (d.get("after")) body.after = d.get("after");
  act("PUT", "/holdlab/phones/" + encodeURIComponent(d.get("address")), body);
});
onSubmit("clock-form", (d) => act("POST", "/holdlab/clock/advance", { by: d.get("by") }));
onSubmit("twiml-form", (d) => {
  const acct = picture ? picture.account_sid : "";
  act("POST", `/2010-04-01/Accounts/${acct}/Calls.json`, undefined, { To: d.get("to"), From: d.get("from"), Twiml: d.get("twiml") });
});
onSubmit("reset-form", () => {
  if (confirm("Reset the session? Every call, number, conference and queue is forgotten.")) act("POST", "/holdlab/reset");
});

connect();
