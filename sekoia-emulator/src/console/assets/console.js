// The console of sekoia-emulator: a live summary from /ui/stream (server-sent events), lists read a
// page at a time from /ui/api. No framework, no external asset: it works offline.
"use strict";

const PAGE = 100;
const LEVELS = ["debug", "info", "warning", "error", "critical"];
const LISTS = ["logs", "events", "intake", "requests"];

const state = {
  summary: null,
  tab: "overview",
  lists: Object.fromEntries(LISTS.map((name) => [name, { offset: 0, total: 0, q: "", level: "", loadedAt: null }])),
  selected: null,
  summaries: 0,
  updatesPerSecond: 0,
};
// what a test or a person can read from the devtools
window.consoleState = state;

const $ = (id) => document.getElementById(id);

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const number = new Intl.NumberFormat();
function bytes(n) {
  if (n < 1024) return `${n} B`;
  const units = ["kB", "MB", "GB", "TB"];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit += 1; }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}
function time(millis) {
  const date = new Date(millis);
  return date.toLocaleTimeString(undefined, { hour12: false }) + "." + String(date.getMilliseconds()).padStart(3, "0");
}
function answer(status) { return status === null || status === undefined ? "dropped" : String(status); }
function isBad(status) { return status === null || status === undefined || status >= 400; }
function pretty(value) {
  if (typeof value === "string") {
    try { return JSON.stringify(JSON.parse(value), null, 2); } catch (_) { return value; }
  }
  return JSON.stringify(value, null, 2);
}

// --- tabs: arrows move between them, Enter or a click opens one

const tabs = Array.from(document.querySelectorAll('[role="tab"]'));
function openTab(name, focus) {
  state.tab = name;
  for (const tab of tabs) {
    const selected = tab.id === `tab-${name}`;
    tab.setAttribute("aria-selected", String(selected));
    tab.tabIndex = selected ? 0 : -1;
    $(tab.getAttribute("aria-controls")).hidden = !selected;
    if (selected && focus) tab.focus();
  }
  if (LISTS.includes(name)) loadList(name);
  if (name === "faults") loadFaults();
  if (name === "pages") loadPages();
  history.replaceState(null, "", `#${name}`);
}
for (const [index, tab] of tabs.entries()) {
  const name = tab.id.slice(4);
  tab.addEventListener("click", () => openTab(name, false));
  tab.addEventListener("keydown", (event) => {
    const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
    if (step) {
      event.preventDefault();
      const next = tabs[(index + step + tabs.length) % tabs.length];
      openTab(next.id.slice(4), true);
    } else if (event.key === "Home" || event.key === "End") {
      event.preventDefault();
      const next = event.key === "Home" ? tabs[0] : tabs[tabs.length - 1];
      openTab(next.id.slice(4), true);
    }
  });
}

// --- the live summary

function onSummary(summary) {
  const previous = state.summary;
  state.summary = summary;
  state.summaries += 1;
  $("title").textContent = summary.title || "";
  const counts = {
    requests: summary.requests, failed: summary.failed, dropped: summary.dropped,
    scripted: summary.scripted, events: summary.events,
    "intake-events": summary.intake.events, batches: summary.intake.batches,
  };
  for (const [key, value] of Object.entries(counts)) {
    const node = $(`count-${key}`);
    node.textContent = number.format(value);
    node.parentElement.classList.toggle("bad", node.parentElement.classList.contains("bad-when-nonzero") && value > 0);
  }
  $("count-intake-bytes").textContent = bytes(summary.intake.bytes);
  const logTotal = LEVELS.reduce((sum, level) => sum + summary.logs[level], 0);
  $("tabcount-logs").textContent = logTotal ? `(${number.format(logTotal)})` : "";
  $("tabcount-events").textContent = summary.events ? `(${number.format(summary.events)})` : "";
  $("tabcount-intake").textContent = summary.intake.events ? `(${number.format(summary.intake.events)})` : "";
  $("tabcount-requests").textContent = `(${number.format(summary.requests)})`;
  $("tabcount-faults").textContent = summary.pending_faults ? `(${summary.pending_faults})` : "";
  $("seen").textContent = `${number.format(summary.requests)} requests seen`;
  const levels = $("log-levels");
  levels.replaceChildren(...LEVELS.map((level) => el("div", { class: summary.logs[level] ? `card level-${level}` : "card" },
    el("span", { class: "label" }, `Logs: ${level}`), el("span", { class: "value", id: `count-logs-${level}` }, number.format(summary.logs[level])))));
  renderStatuses(summary.statuses);
  renderLatest(summary.latest);
  drawChart(summary.seconds);
  // a list on screen follows what arrives, at most once a second
  const list = state.lists[state.tab];
  if (list && previous && previous.seq !== summary.seq && (!list.loadedAt || Date.now() - list.loadedAt > 1000)) {
    loadList(state.tab);
  }
  if (state.tab === "faults" && previous && previous.pending_faults !== summary.pending_faults) loadFaults();
}

function renderStatuses(statuses) {
  const last = statuses[statuses.length - 1];
  $("last-status").textContent = last ? `status: ${last.status}` : "";
  $("statuses").replaceChildren(...statuses.slice().reverse().map((s) => el("li", { class: s.error ? "bad" : null },
    el("strong", {}, s.status), " ", time(s.time),
    s.results ? " · with results" : null,
    s.error ? el("div", {}, `error: ${s.error}`) : null)));
  if (!statuses.length) $("statuses").replaceChildren(el("li", { class: "note" }, "no status update yet (triggers and connectors send none)"));
}

function renderLatest(latest) {
  $("latest").replaceChildren(...latest.slice().reverse().map((r) => el("tr", { class: isBad(r.status) ? "bad" : null },
    el("td", {}, r.seq), el("td", {}, time(r.time)),
    el("td", {}, `${r.method} ${r.path}`, r.scripted ? el("span", { class: "badge" }, "scripted") : null),
    el("td", { class: "answer" }, answer(r.status)), el("td", {}, bytes(r.bytes)))));
}

function drawChart(seconds) {
  const canvas = $("chart");
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth || 900;
  const height = canvas.clientHeight || 160;
  canvas.width = width * ratio;
  canvas.height = height * ratio;
  const context = canvas.getContext("2d");
  context.scale(ratio, ratio);
  context.clearRect(0, 0, width, height);
  const style = getComputedStyle(document.documentElement);
  const values = seconds.map((s) => s[2]);
  const max = Math.max(1, ...values);
  const bar = width / Math.max(60, values.length);
  context.fillStyle = style.getPropertyValue("--accent").trim();
  values.forEach((value, index) => {
    const h = (value / max) * (height - 20);
    context.fillRect(index * bar, height - h, Math.max(1, bar - 1), h);
  });
  context.fillStyle = style.getPropertyValue("--muted").trim();
  context.font = "12px system-ui, sans-serif";
  context.fillText(`max ${number.format(max)}/s`, 6, 14);
  const now = values.length ? values[values.length - 1] : 0;
  $("rate-now").textContent = values.length ? `· now ${number.format(now)}/s` : "";
}

// --- lists, a page at a time

async function fetchJson(path) {
  const response = await fetch(path, { cache: "no-store" });
  return response.json();
}

async function loadList(name) {
  const list = state.lists[name];
  list.loadedAt = Date.now();
  const params = new URLSearchParams({ offset: list.offset, limit: PAGE });
  if (list.q) params.set("q", list.q);
  if (name === "logs" && list.level) params.set("level", list.level);
  const page = await fetchJson(`/ui/api/${name}?${params}`);
  list.total = page.total;
  renderPager(name, page);
  ({ logs: renderLogs, events: renderEvents, intake: renderIntake, requests: renderRequests })[name](page);
}

function renderPager(name, page) {
  const pager = document.querySelector(`.pager[data-list="${name}"]`);
  const list = state.lists[name];
  const first = page.total ? page.offset + 1 : 0;
  const last = Math.min(page.offset + page.items.length, page.total);
  pager.replaceChildren(
    el("button", { type: "button", disabled: page.offset === 0, onclick: () => { list.offset = Math.max(0, list.offset - PAGE); loadList(name); } }, "Newer"),
    el("span", { id: `${name}-range`, "aria-live": "polite" }, `${number.format(first)}–${number.format(last)} of ${number.format(page.total)}, newest first`),
    el("button", { type: "button", disabled: last >= page.total, onclick: () => { list.offset += PAGE; loadList(name); } }, "Older"));
}

function renderLogs(page) {
  $("logs-rows").replaceChildren(...page.items.map((entry) => el("tr", { class: entry.level === "error" || entry.level === "critical" ? "bad" : null },
    el("td", {}, entry.date), el("td", { class: `level-${entry.level}` }, entry.level), el("td", {}, entry.message))));
}

function record(summaryText, body, bad) {
  const details = el("details", { class: bad ? "record bad" : "record" }, el("summary", {}, summaryText));
  // pretty-printed only when opened: a page of large events stays light
  details.addEventListener("toggle", () => {
    if (details.open && !details.querySelector("pre")) details.append(el("pre", {}, pretty(body)));
  }, { once: false });
  return details;
}

function renderEvents(page) {
  $("events-rows").replaceChildren(...page.items.map((item) => record(
    `#${item.seq} ${time(item.time)} · ${item.body && item.body.name}`, item.body, false)));
}

function renderIntake(page) {
  const note = $("intake-note");
  note.hidden = page.kept;
  note.textContent = page.kept ? "" : `This emulator counts intake events without keeping them (${number.format(page.accepted)} accepted): start it with events kept to read them here.`;
  $("intake-rows").replaceChildren(...page.items.map((item) => {
    const text = item.event.length > 200 ? `${item.event.slice(0, 200)}…` : item.event;
    return record(`batch #${item.seq} · ${text}`, item.event, false);
  }));
}

function renderRequests(page) {
  $("requests-rows").replaceChildren(...page.items.map((r) => {
    const row = el("tr", { class: ["selectable", isBad(r.status) ? "bad" : "", state.selected === r.seq ? "selected" : ""].join(" ").trim(), tabindex: 0 },
      el("td", {}, r.seq), el("td", {}, time(r.time)),
      el("td", {}, `${r.method} ${r.path}`, r.scripted ? el("span", { class: "badge" }, "scripted") : null),
      el("td", { class: "answer" }, answer(r.status)), el("td", {}, r.preview || ""));
    const open = () => showRequest(r.seq);
    row.addEventListener("click", open);
    row.addEventListener("keydown", (event) => { if (event.key === "Enter" || event.key === " ") { event.preventDefault(); open(); } });
    return row;
  }));
}

async function showRequest(seq) {
  state.selected = seq;
  for (const row of document.querySelectorAll("#requests-rows tr")) row.classList.toggle("selected", row.firstChild.textContent === String(seq));
  const request = await fetchJson(`/ui/api/request?seq=${seq}`);
  const detail = $("request-detail");
  if (request.error) { detail.replaceChildren(el("p", { class: "note" }, request.error)); return; }
  detail.replaceChildren(
    el("h2", {}, `#${request.seq} ${request.method} ${request.path}${request.query ? "?" + request.query : ""} → ${answer(request.status)}`),
    el("p", { class: "note" }, `${time(request.time)} · ${bytes(request.bytes)}${request.scripted ? " · scripted" : ""}${request.non_json_body ? " · not JSON" : ""}`),
    el("h2", {}, "Headers"),
    el("pre", {}, request.headers.map(([name, value]) => `${name}: ${value}`).join("\n")),
    el("h2", {}, "Body"),
    el("pre", { id: "request-body" }, request.body === null ? "(empty)" : pretty(request.body)),
    request.more_events ? el("p", { class: "note" }, `… and ${number.format(request.more_events)} more events: see the Intake view.`) : null);
}

for (const form of document.querySelectorAll("form.filters")) {
  const name = form.dataset.list;
  let timer = null;
  const apply = () => {
    const list = state.lists[name];
    list.q = form.elements.q.value;
    if (form.elements.level) list.level = form.elements.level.value;
    list.offset = 0;
    loadList(name);
  };
  const soon = () => { clearTimeout(timer); timer = setTimeout(apply, 200); };
  form.addEventListener("input", soon);
  form.addEventListener("change", soon);
  form.addEventListener("submit", (event) => { event.preventDefault(); apply(); });
}

async function loadFaults() {
  const faults = await fetchJson("/ui/api/faults");
  $("faults-rows").replaceChildren(...(faults.items.length ? faults.items.map((queue) => el("tr", {},
    el("td", {}, `${queue.method} ${queue.path}`), el("td", {}, queue.replies.join(", "))))
    : [el("tr", {}, el("td", { colspan: 2, class: "note" }, "no fault scripted"))]));
}

async function loadPages() {
  const pages = await fetchJson("/ui/api/pages");
  $("platform-routes").replaceChildren(...pages.platform.map((route) => el("li", {}, el("code", {}, route))));
  $("test-pages").replaceChildren(...pages.pages.map((page) => el("li", {}, el("a", { href: page }, page))));
}

// --- the feed

function connect() {
  const live = $("live");
  const source = new EventSource("/ui/stream");
  source.addEventListener("open", () => { live.textContent = "live"; live.className = "live on"; });
  source.addEventListener("summary", (event) => onSummary(JSON.parse(event.data)));
  source.addEventListener("error", () => { live.textContent = "disconnected: retrying"; live.className = "live off"; });
}

let counted = 0;
setInterval(() => {
  state.updatesPerSecond = state.summaries - counted;
  counted = state.summaries;
  $("updates").textContent = `${state.updatesPerSecond} updates/s`;
}, 1000);

const first = location.hash.slice(1);
openTab(tabs.some((tab) => tab.id === `tab-${first}`) ? first : "overview", false);
connect();
