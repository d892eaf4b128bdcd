// The timeline page: everything comes from the REST API (/timeline), nothing is built.
"use strict";

const TYPES = { veto: "Veto", visit: "Visit", phone_call: "Phone call", expulsion: "Expulsion", recall: "Recall" };
const COLORS = { veto: "#b3261e", visit: "#1565c0", phone_call: "#2e7d32", expulsion: "#ef6c00", recall: "#6a1b9a" };
const SVG = "http://www.w3.org/2000/svg";
const state = { entries: [], next: null, query: "" };

const $ = (sel) => document.querySelector(sel);

function el(tag, attrs = {}, ...children) {
  const node = tag.startsWith("svg:") ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.setAttribute("class", v);
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

function queryFromForm() {
  const form = new FormData($("#filters"));
  const params = new URLSearchParams();
  const types = form.getAll("type");
  if (types.length && types.length < Object.keys(TYPES).length) params.set("type", types.join(","));
  if (!types.length) params.set("type", "none");
  for (const name of ["actor", "start", "end", "q"]) {
    const value = (form.get(name) || "").trim();
    if (value) params.set(name, value);
  }
  return params;
}

function formFromQuery(params) {
  const types = (params.get("type") || "").split(",").filter(Boolean);
  for (const box of document.querySelectorAll('input[name="type"]')) box.checked = !types.length || types.includes(box.value);
  for (const name of ["actor", "start", "end", "q"]) $(`input[name="${name}"]`).value = params.get(name) || "";
}

function dateLabel(e) {
  if (!e.date_start) return "undated";
  const cut = { year: 4, month: 7, week: 10, day: 10 }[e.date_precision] || 10;
  let label = e.date_start.slice(0, cut) + (e.date_precision === "week" ? " (week)" : "");
  if (e.date_end) label += ` – ${e.date_end}`;
  return label;
}

function headline(e) {
  const arrow = e.targets.length ? ` → ${e.targets.join(", ")}` : "";
  return `${e.agents.join(", ")}${arrow}`;
}

async function getJSON(url) {
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  const body = await response.json();
  if (!response.ok) throw new Error(body.detail || `HTTP ${response.status}`);
  return body;
}

async function load(params, append = false) {
  $("#error").hidden = true;
  if (params.get("type") === "none") {
    state.entries = [];
    state.next = null;
    render({ total: 0, facets: null, buckets: null });
    return;
  }
  const query = new URLSearchParams(params);
  query.set("limit", "100");
  if (append && state.next) query.set("cursor", state.next);
  else query.set("count", "true"), query.set("facets", "true"), query.set("bucket", "month");
  try {
    const body = await getJSON(`/timeline?${query}`);
    state.entries = append ? state.entries.concat(body.items) : body.items;
    state.next = body.next;
    if (!append) render(body);
    else renderList();
  } catch (err) {
    $("#error").textContent = `Could not load the timeline: ${err.message}`;
    $("#error").hidden = false;
  }
}

function render(body) {
  $("#count").textContent = `${body.total ?? state.entries.length} entries`;
  $("#facets").textContent = body.facets
    ? Object.entries(body.facets.type).map(([t, n]) => `${TYPES[t]} ${n}`).join(" · ")
    : "";
  renderHistogram(body.buckets);
  renderAxis();
  renderList();
  const search = state.query ? `?${state.query}` : "";
  $("#tljs-link").href = `/static/timelinejs.html${search}`;
  $("#csv-link").href = `/timeline/export.csv${search}`;
}

function monthIndex(iso) {
  return Number(iso.slice(0, 4)) * 12 + Number(iso.slice(5, 7)) - 1;
}

function renderHistogram(buckets) {
  // Bars on a time scale: empty months stay empty, so gaps in the record show as gaps.
  const svg = $("#histogram");
  svg.replaceChildren();
  if (!buckets || !buckets.items.length) return;
  const width = svg.clientWidth || 800, height = 90, pad = 16;
  const first = monthIndex(buckets.items[0].start), last = monthIndex(buckets.items.at(-1).start);
  const slots = last - first + 1;
  const max = Math.max(...buckets.items.map((b) => b.count));
  const step = Math.min(48, (width - 2 * pad) / slots);
  for (const b of buckets.items) {
    const h = ((height - 24) * b.count) / max;
    const x = pad + (monthIndex(b.start) - first) * step;
    const bar = el("svg:rect", { class: "bar", x, y: height - 16 - h, width: Math.max(2, step - 1), height: h });
    bar.append(el("svg:title", {}, `${b.start.slice(0, 7)}: ${b.count}`));
    svg.append(bar);
  }
  svg.append(el("svg:text", { x: pad, y: height - 2 }, buckets.items[0].start.slice(0, 7)));
  svg.append(el("svg:text", { x: width - pad, y: height - 2, "text-anchor": "end" }, buckets.items.at(-1).start.slice(0, 7)));
  if (buckets.undated) {
    svg.append(el("svg:text", { x: width / 2, y: height - 2, "text-anchor": "middle" }, `${buckets.undated} undated or vaguer than a month`));
  }
}

function renderAxis() {
  const svg = $("#axis");
  svg.replaceChildren();
  const dated = state.entries.filter((e) => e.date_start && e.date_precision !== "unknown");
  if (!dated.length) return;
  const width = svg.clientWidth || 800, pad = 16;
  const times = dated.map((e) => Date.parse(e.date_start));
  const lo = Math.min(...times), hi = Math.max(...times), span = Math.max(hi - lo, 86400000);
  svg.append(el("svg:line", { x1: pad, x2: width - pad, y1: 30, y2: 30, stroke: "#b0bac6" }));
  dated.forEach((e, i) => {
    const x = pad + ((Date.parse(e.date_start) - lo) / span) * (width - 2 * pad);
    const dot = el("svg:circle", { cx: x, cy: 30 + ((i % 3) - 1) * 8, r: 5, fill: COLORS[e.type], "data-id": e.id, onclick: () => select(e.id) });
    dot.append(el("svg:title", {}, `${dateLabel(e)} ${TYPES[e.type]}: ${headline(e)}`));
    svg.append(dot);
  });
  svg.append(el("svg:text", { x: pad, y: 56 }, new Date(lo).toISOString().slice(0, 10)));
  svg.append(el("svg:text", { x: width - pad, y: 56, "text-anchor": "end" }, new Date(hi).toISOString().slice(0, 10)));
}

function renderList() {
  const list = $("#entries");
  list.replaceChildren(
    ...state.entries.map((e) =>
      el("li", { "data-id": e.id, "data-type": e.type, onclick: () => select(e.id) },
        el("span", { class: "date" }, dateLabel(e)),
        el("span", {},
          el("span", { class: `badge ${e.type}` }, TYPES[e.type]),
          el("strong", {}, headline(e)),
          e.status === "planned" ? " (planned)" : "",
          e.mention_count > 1 ? ` · ${e.mention_count} sources` : "",
          el("div", { class: "evidence" }, e.evidence))))
  );
  $("#more").hidden = !state.next;
}

// Only http(s) links are rendered: a stored URL is data, and "javascript:" in an href would run on click.
function safeHref(url, fallback) {
  return typeof url === "string" && /^https?:\/\//i.test(url) ? url : fallback;
}

function select(id) {
  const e = state.entries.find((x) => x.id === id);
  if (!e) return;
  for (const li of document.querySelectorAll("#entries li")) li.classList.toggle("selected", li.dataset.id === id);
  const sources = e.sources.map((s) =>
    el("li", {},
      el("strong", {}, s.outlet || s.article), s.source ? ` (reporting ${s.source})` : "",
      s.published ? `, ${s.published}` : "", ": ",
      el("a", { href: safeHref(s.url, `/articles/${s.article_id}`) }, s.title || s.article),
      el("blockquote", {}, s.evidence)));
  $("#detail").replaceChildren(
    el("h2", {}, `${TYPES[e.type]}: ${headline(e)}`),
    el("dl", {},
      el("dt", {}, "When"), el("dd", {}, `${dateLabel(e)} (${e.date_precision})`),
      el("dt", {}, "Status"), el("dd", {}, e.status),
      el("dt", {}, "Confidence"), el("dd", {}, e.confidence.toFixed(2)),
      el("dt", {}, "Codes"), el("dd", {}, `CAMEO ${e.cameo} · PLOVER ${e.plover}`)),
    el("blockquote", { class: "main-evidence" }, e.evidence),
    el("h3", {}, `Sources (${e.sources.length})`),
    el("ol", { class: "sources" }, ...sources));
  $("#detail").hidden = false;
}

$("#filters").addEventListener("submit", (event) => {
  event.preventDefault();
  const params = queryFromForm();
  state.query = params.toString();
  history.replaceState(null, "", state.query ? `?${state.query}` : location.pathname);
  $("#detail").hidden = true;
  load(params);
});
for (const box of document.querySelectorAll('input[name="type"]')) {
  box.addEventListener("change", () => $("#filters").requestSubmit());
}
$("#more").addEventListener("click", () => load(new URLSearchParams(state.query), true));

const initial = new URLSearchParams(location.search);
formFromQuery(initial);
state.query = queryFromForm().toString();
load(queryFromForm());
