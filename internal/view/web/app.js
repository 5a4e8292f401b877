// The page: fetches the summary (and the open trace) whenever the server
// says something changed, at most a few times a second, and renders it
// with plain DOM calls. No framework, no build step, nothing from a CDN.
"use strict";

const $ = (sel) => document.querySelector(sel);
const state = { trace: null, pending: false, lastVersion: -1 };

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

function ms(v) {
  if (v >= 1000) return (v / 1000).toFixed(2) + " s";
  if (v >= 1) return v.toFixed(1) + " ms";
  return (v * 1000).toFixed(0) + " µs";
}

const nsToMs = (ns) => ns / 1e6;

function filters() {
  const p = new URLSearchParams();
  for (const id of ["service", "name", "status"]) {
    const v = $("#f-" + id).value;
    if (v) p.set(id, v);
  }
  return p;
}

// fill replaces a table's rows, or says why there are none.
function fill(tbody, rows, empty) {
  if (rows.length === 0) {
    const cols = tbody.closest("table").querySelectorAll("thead th").length;
    rows = [el("tr", {}, el("td", { colspan: cols, class: "muted" }, empty))];
  }
  tbody.replaceChildren(...rows);
}

function renderSummary(s) {
  const svc = $("#f-service");
  const chosen = svc.value;
  const known = new Set([...svc.options].map((o) => o.value));
  for (const name of s.services) if (!known.has(name)) svc.append(el("option", { value: name }, name));
  svc.value = chosen;

  $("#status").textContent = `${s.received.toLocaleString()} spans received, ${s.stored.toLocaleString()} kept (of ${s.capacity.toLocaleString()})`;

  fill($("#traces tbody"), s.traces.map((t) => el("tr", {},
    el("td", {}, el("button", { class: "link", type: "button", "data-trace": t.traceId, onclick: () => openTrace(t.traceId) }, t.root)),
    el("td", {}, t.service),
    el("td", { class: "num" }, t.spans),
    el("td", { class: "num" + (t.errors ? " err" : "") }, t.errors),
    el("td", { class: "num" }, ms(nsToMs(t.duration))),
    el("td", {}, new Date(t.start / 1e6).toLocaleTimeString()))),
    "No traces yet: run the program with OTEL_EXPORTER_OTLP_ENDPOINT pointing here.");

  fill($("#hotspots tbody"), s.hotspots.map((h) => el("tr", { "data-span": h.name },
    el("td", {}, h.name), el("td", {}, h.service),
    el("td", { class: "num" }, h.count.toLocaleString()),
    el("td", { class: "num" + (h.errors ? " err" : "") }, h.errors.toLocaleString()),
    el("td", { class: "num" }, ms(h.p50Ms)), el("td", { class: "num" }, ms(h.p95Ms)),
    el("td", { class: "num" }, ms(h.p99Ms)), el("td", { class: "num" }, ms(h.totalMs)))),
    "No spans match.");

  fill($("#loops tbody"), s.loops.map((l) => el("tr", { "data-loop": l.loop },
    el("td", {}, l.loop), el("td", {}, l.span), el("td", { class: "num" }, l.iterations.toLocaleString()))),
    "No loop iterations recorded (loops are counted at --density high).");
}

function renderTrace(t) {
  const panel = $("#trace-panel");
  panel.hidden = false;
  $("#trace-id").textContent = t.traceId;
  const spans = t.spans || [];
  const start = Math.min(...spans.map((s) => s.start));
  const end = Math.max(...spans.map((s) => s.end));
  const total = Math.max(end - start, 1);
  $("#waterfall").replaceChildren(...spans.map((s) => {
    const left = ((s.start - start) / total) * 100;
    const width = Math.max(((s.end - s.start) / total) * 100, 0.2);
    const dur = ms(nsToMs(s.end - s.start));
    const row = el("div", { class: "row", role: "listitem", "data-span": s.name, "data-depth": s.depth },
      el("span", { class: "name" + (s.error ? " err" : ""), style: `padding-left:${s.depth * 1.2}rem`, title: s.name }, s.name),
      el("div", { class: "track", "aria-hidden": "true" },
        el("div", { class: "bar" + (s.error ? " error" : ""), style: `left:${left}%;width:${width}%` })),
      el("span", { class: "num", "aria-label": `${s.name} took ${dur}${s.error ? ", failed" : ""}` }, dur));
    if (s.events && s.events.length) {
      row.append(el("ul", { class: "events" }, ...s.events.map((e) =>
        el("li", {}, e.name + (e.attrs ? " " + e.attrs.map((a) => `${a.k}=${a.v}`).join(" ") : "")))));
    }
    return row;
  }));
}

async function openTrace(id) {
  state.trace = id;
  history.replaceState(null, "", "#trace=" + encodeURIComponent(id));
  const r = await fetch("api/trace/" + encodeURIComponent(id));
  renderTrace(await r.json());
}

async function refresh() {
  if (state.pending) return;
  state.pending = true;
  try {
    const r = await fetch("api/summary?" + filters());
    renderSummary(await r.json());
    if (state.trace) await openTrace(state.trace);
  } catch (e) {
    $("#status").textContent = "Cannot reach the view server: " + e.message;
  } finally {
    state.pending = false;
  }
}

$("#filters").addEventListener("input", () => refresh());
$("#filters").addEventListener("submit", (e) => { e.preventDefault(); refresh(); });

// Live unless ?live=0, which freezes the page as it loaded: for reading a
// snapshot in peace, and for headless browsers, which wait for the network
// to go quiet and so never finish a page with a live stream open.
if (new URLSearchParams(location.search).get("live") !== "0") {
  const events = new EventSource("api/events");
  events.addEventListener("update", (e) => {
    if (Number(e.data) !== state.lastVersion) {
      state.lastVersion = Number(e.data);
      refresh();
    }
  });
}
// A link to a trace (#trace=ID) opens it, so a trace can be shared or
// bookmarked while the view runs.
if (location.hash.startsWith("#trace=")) state.trace = decodeURIComponent(location.hash.slice(7));
refresh();
