// Rivulet's Web UI: a single page over the JobManager's REST API (Flink's paths, and /v1 for
// the live numbers of a job in one request). Plain JavaScript, no build step, no libraries.
// Each view is a function that fetches what it shows and returns a DOM node; the current view
// is fetched and drawn again every REFRESH_MS, so numbers move without reloading the page.
"use strict";

const REFRESH_MS = Number(new URLSearchParams(location.search).get("refresh")) || 2000;

// What survives a redraw: the checkpoint opened for its per-subtask breakdown (also in the
// address: #/jobs/<id>/checkpoints/<checkpoint>), and the records/s history of each vertex
// (for the sparklines).
const ui = { openCheckpoint: null, rateHistory: {}, message: null };

// ---- DOM and formatting helpers ------------------------------------------------------------

/** Makes an element: h("td", {class: "num"}, "12"). Strings become text nodes (never HTML). */
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

const SVG = "http://www.w3.org/2000/svg";
function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value !== null && value !== undefined) el.setAttribute(key, String(value));
  }
  return append(el, children);
}

function count(n) {
  if (n === null || n === undefined || Number.isNaN(n)) return "–";
  const a = Math.abs(n);
  if (a >= 1e9) return (n / 1e9).toFixed(2) + "G";
  if (a >= 1e6) return (n / 1e6).toFixed(2) + "M";
  if (a >= 1e4) return (n / 1e3).toFixed(1) + "k";
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

function bytes(n) {
  if (n === null || n === undefined) return "–";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (Math.abs(n) >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return (i === 0 ? String(n) : n.toFixed(1)) + " " + units[i];
}

function millis(ms) {
  if (ms === null || ms === undefined || ms < 0) return "–";
  if (ms < 1000) return ms + " ms";
  const sec = ms / 1000;
  if (sec < 60) return sec.toFixed(1) + " s";
  const m = Math.floor(sec / 60), h = Math.floor(m / 60);
  if (h > 0) return `${h}h ${m % 60}m`;
  return `${m}m ${Math.floor(sec % 60)}s`;
}

function time(ms) {
  if (!ms || ms < 0) return "–";
  return new Date(ms).toLocaleString();
}

const MIN_WATERMARK = -9223372036854775808;
function watermark(w) {
  if (w === null || w === undefined || w <= MIN_WATERMARK) return "no watermark";
  if (w >= 9223372036854775807) return "end of time";
  // Event time near the epoch (generated data) reads better as a duration than a date.
  return w < 1e11 ? millis(w) + " (event time)" : new Date(w).toISOString().replace("T", " ").replace("Z", "");
}

function percent(ratio) { return ratio === null || ratio === undefined ? "–" : Math.round(ratio * 100) + "%"; }
function badge(state) { return h("span", { class: `badge state-${state}`, "data-state": state }, state); }
function bpLevel(ratio) { return ratio <= 0.1 ? "ok" : ratio <= 0.5 ? "low" : "high"; }

function table(headers, rows, attrs) {
  return h("table", attrs,
    h("thead", {}, h("tr", {}, headers.map((c) => h("th", { class: c.endsWith(" ") ? "num" : null }, c.trim())))),
    h("tbody", {}, rows));
}

// The REST token, when the cluster asks for one: typed into the sign-in form, or given once
// as ?token=... (taken out of the address at once); kept for this browser tab only.
const TOKEN_KEY = "rivulet-rest-token";
(function takeTokenFromAddress() {
  const params = new URLSearchParams(location.search);
  if (!params.has("token")) return;
  sessionStorage.setItem(TOKEN_KEY, params.get("token"));
  params.delete("token");
  const query = params.toString();
  history.replaceState(null, "", location.pathname + (query ? "?" + query : "") + location.hash);
})();

function showLogin(shown) {
  document.getElementById("login").hidden = !shown;
}

document.getElementById("login").addEventListener("submit", (event) => {
  event.preventDefault();
  sessionStorage.setItem(TOKEN_KEY, document.getElementById("token").value);
  refresh(false);
});

async function api(path, options) {
  const token = sessionStorage.getItem(TOKEN_KEY);
  const headers = Object.assign({}, (options && options.headers) || {}, token ? { Authorization: `Bearer ${token}` } : {});
  const response = await fetch(path, Object.assign({}, options, { headers }));
  if (response.status === 401) {
    showLogin(true);
    throw new Error(token ? "The token was refused: enter the right one above." : "This cluster needs a token: enter it above.");
  }
  showLogin(false);
  const text = await response.text();
  let body = text;
  try { body = JSON.parse(text); } catch (_) { /* plain text (logs) */ }
  if (!response.ok) {
    const message = (body && (body.error || (body.errors && body.errors.join("; ")))) || `${response.status} ${response.statusText}`;
    throw new Error(`${path}: ${message}`);
  }
  return body;
}

// ---- Views ---------------------------------------------------------------------------------

async function overviewView() {
  const [overview, jobs] = await Promise.all([api("/overview"), api("/jobs/overview")]);
  const running = jobs.jobs.filter((j) => !["FINISHED", "CANCELED", "FAILED"].includes(j.state));
  const card = (label, value, id) => h("div", { class: "card" }, h("div", { class: "value", id }, value), h("div", { class: "label" }, label));
  return h("div", {},
    h("h1", {}, "Cluster overview"),
    h("div", { class: "cards" },
      card("TaskManagers", overview.taskmanagers, "overview-taskmanagers"),
      card("Task slots", `${overview["slots-available"]} free of ${overview["slots-total"]}`, "overview-slots"),
      card("Running jobs", overview["jobs-running"], "overview-running"),
      card("Finished", overview["jobs-finished"]),
      card("Canceled", overview["jobs-cancelled"]),
      card("Failed", overview["jobs-failed"])),
    h("h2", {}, "Running jobs"),
    running.length ? jobTable(running) : h("p", { class: "muted" }, "No job is running."));
}

function jobTable(jobs) {
  return table(["Name", "Job id", "State", "Started", "Duration ", "Tasks "],
    jobs.map((j) => h("tr", { class: "job-row", "data-job-id": j.jid, "data-state": j.state },
      h("td", {}, h("a", { href: `#/jobs/${j.jid}` }, j.name)),
      h("td", { class: "mono" }, j.jid),
      h("td", {}, badge(j.state)),
      h("td", {}, time(j["start-time"])),
      h("td", { class: "num" }, millis(j.duration)),
      h("td", { class: "num" }, `${j.tasks.running} running of ${j.tasks.total}`))),
    { id: "jobs" });
}

async function jobsView() {
  const jobs = await api("/jobs/overview");
  return h("div", {}, h("h1", {}, "Jobs"),
    jobs.jobs.length ? jobTable(jobs.jobs) : h("p", { class: "muted" }, "No jobs yet. Submit one with `rivulet run`."));
}

async function jobView(id, tab, checkpoint) {
  tab = tab || "overview";
  ui.openCheckpoint = checkpoint ? Number(checkpoint) : null;
  const [flink, detail] = await Promise.all([api(`/jobs/${id}`), api(`/v1/jobs/${id}`)]);
  const ended = ["FINISHED", "CANCELED", "FAILED"].includes(flink.state);
  const tabs = [["overview", "Overview"], ["checkpoints", "Checkpoints"], ["exceptions", "Exceptions"], ["configuration", "Configuration"]];
  let body;
  if (tab === "checkpoints") body = await checkpointsTab(id, detail);
  else if (tab === "exceptions") body = await exceptionsTab(id);
  else if (tab === "configuration") body = await configurationTab(id, detail);
  else body = overviewTab(flink, detail);
  return h("div", { id: "job", "data-job-id": id },
    h("h1", {},
      h("span", { id: "job-name" }, flink.name), h("span", { id: "job-state", "data-state": flink.state, class: `badge state-${flink.state}` }, flink.state),
      h("span", { class: "muted mono" }, id),
      h("span", { class: "actions" },
        h("button", { id: "savepoint", disabled: ended, onclick: () => savepoint(id, false) }, "Savepoint"),
        h("button", { id: "stop", disabled: ended, onclick: () => savepoint(id, true) }, "Stop with savepoint"),
        h("button", { id: "cancel", class: "danger", disabled: ended, onclick: () => cancelJob(id) }, "Cancel"))),
    h("div", { class: "muted" },
      `Started ${time(flink["start-time"])} · ${ended ? "ran" : "running"} for ${millis(flink.duration)} · restarts: ${detail.attempt}`,
      flink["end-time"] > 0 ? ` · ended ${time(flink["end-time"])}` : ""),
    ui.message ? h("div", { class: "message", id: "message" }, ui.message) : null,
    h("div", { class: "tabs" }, tabs.map(([key, label]) =>
      h("a", { href: `#/jobs/${id}/${key}`, class: key === tab ? "active" : null }, label))),
    body);
}

function overviewTab(flink, detail) {
  const vertices = new Map((detail.vertices || []).map((v) => [String(v.id), v]));
  for (const v of vertices.values()) {
    const history = ui.rateHistory[`${detail.id}/${v.id}`] || (ui.rateHistory[`${detail.id}/${v.id}`] = []);
    history.push(v.recordsOutPerSecond || v.recordsInPerSecond || 0);
    if (history.length > 30) history.shift();
  }
  return h("div", {},
    h("div", { class: "legend" },
      h("span", {}, h("i", { style: `background:${busyColor(0)}` }), "idle"),
      h("span", {}, h("i", { style: `background:${busyColor(0.5)}` }), "50% busy"),
      h("span", {}, h("i", { style: `background:${busyColor(1)}` }), "100% busy"),
      h("span", {}, "border: backpressure ", h("b", { class: "bp-ok" }, "ok"), " / ", h("b", { class: "bp-low" }, "low"), " / ", h("b", { class: "bp-high" }, "high"))),
    h("div", { class: "graph" }, jobGraph(flink.plan, vertices)),
    h("h2", {}, "Vertices"),
    table(["Name", "Status", "Parallelism ", "Records in ", "Records out ", "In/s ", "Out/s ", "Busy ", "Backpressure ", "Input watermark", "Trend"],
      [...vertices.values()].map((v) => h("tr", { class: "vertex-row", "data-vertex-id": v.id, "data-records-out": v.recordsOut, "data-records-in": v.recordsIn },
        h("td", {}, v.name),
        h("td", {}, badge(v.status)),
        h("td", { class: "num" }, v.parallelism),
        h("td", { class: "num" }, count(v.recordsIn)),
        h("td", { class: "num" }, count(v.recordsOut)),
        h("td", { class: "num" }, count(v.recordsInPerSecond)),
        h("td", { class: "num" }, count(v.recordsOutPerSecond)),
        h("td", { class: "num" }, percent(v.busyRatio)),
        h("td", { class: `num bp-${bpLevel(v.backPressureRatio)}` }, `${bpLevel(v.backPressureRatio)} (${percent(v.backPressureRatio)})`),
        h("td", {}, watermark(v.inputWatermark ?? v.outputWatermark)),
        h("td", {}, sparkline(ui.rateHistory[`${detail.id}/${v.id}`]))))),
    h("h2", {}, "Subtasks"),
    table(["Vertex", "Subtask ", "Status", "TaskManager", "Records in ", "Records out ", "In/s ", "Busy ", "Backpressure ", "Out buffers ", "Input watermark"],
      [...vertices.values()].flatMap((v) => v.subtasks.map((t) => h("tr", {},
        h("td", {}, v.name), h("td", { class: "num" }, t.subtask), h("td", {}, badge(t.status)),
        h("td", { class: "mono" }, t.taskManager ? h("a", { href: `#/taskmanagers/${encodeURIComponent(t.taskManager)}` }, t.taskManager) : "–"),
        h("td", { class: "num" }, count(t.recordsIn)), h("td", { class: "num" }, count(t.recordsOut)),
        h("td", { class: "num" }, count(t.recordsInPerSecond)), h("td", { class: "num" }, percent(t.busyRatio)),
        h("td", { class: `num bp-${bpLevel(t.backPressureRatio)}` }, percent(t.backPressureRatio)),
        h("td", { class: "num" }, percent(t.outPoolUsage)), h("td", {}, watermark(t.inputWatermark ?? t.outputWatermark)))))));
}

/** Blue when idle, through amber, to red when always busy (as Flink colours its graph). */
function busyColor(ratio) {
  const hue = 210 - 210 * Math.min(1, Math.max(0, ratio || 0));
  return `hsl(${hue}, 70%, 92%)`;
}

/** The job graph: vertices in columns by their distance from the sources, edges with their partitioning. */
function jobGraph(plan, live) {
  const nodes = plan.nodes || [];
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const level = new Map();
  const depth = (n, seen = new Set()) => {
    if (level.has(n.id)) return level.get(n.id);
    if (seen.has(n.id)) return 0;
    seen.add(n.id);
    const inputs = (n.inputs || []).map((i) => byId.get(i.id)).filter(Boolean);
    const d = inputs.length ? 1 + Math.max(...inputs.map((i) => depth(i, seen))) : 0;
    level.set(n.id, d);
    return d;
  };
  nodes.forEach((n) => depth(n));
  const columns = [];
  for (const n of nodes) (columns[level.get(n.id)] = columns[level.get(n.id)] || []).push(n);
  const W = 270, H = 104, GX = 90, GY = 28, PAD = 16;
  const pos = new Map();
  columns.forEach((column, c) => column.forEach((n, r) => pos.set(n.id, { x: PAD + c * (W + GX), y: PAD + r * (H + GY) })));
  const width = PAD * 2 + columns.length * W + Math.max(0, columns.length - 1) * GX;
  const height = PAD * 2 + Math.max(1, ...columns.map((c) => c.length)) * (H + GY) - GY;
  const svg = s("svg", { width, height, viewBox: `0 0 ${width} ${height}`, id: "job-graph", role: "img" });
  svg.append(s("defs", {}, s("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto" },
    s("path", { d: "M0,0 L10,5 L0,10 z", fill: "#94a3b8" }))));
  for (const n of nodes) {
    for (const input of n.inputs || []) {
      const from = pos.get(input.id), to = pos.get(n.id);
      if (!from || !to) continue;
      const x1 = from.x + W, y1 = from.y + H / 2, x2 = to.x - 2, y2 = to.y + H / 2, mx = (x1 + x2) / 2;
      svg.append(s("g", { class: "edge", "data-from": input.id, "data-to": n.id, "data-partitioning": input.ship_strategy },
        s("path", { d: `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}`, "marker-end": "url(#arrow)" }),
        s("text", { x: mx, y: (y1 + y2) / 2 - 6, "text-anchor": "middle" }, input.ship_strategy)));
    }
  }
  for (const n of nodes) {
    const p = pos.get(n.id), v = live.get(String(n.id)) || {};
    const bp = bpLevel(v.backPressureRatio || 0);
    const stroke = { ok: "#16a34a", low: "#d97706", high: "#dc2626" }[bp];
    const name = n.description || n.operator || `vertex ${n.id}`;
    const short = name.length > 38 ? name.slice(0, 36) + "…" : name;
    svg.append(s("g", {
      class: "vertex", transform: `translate(${p.x},${p.y})`, "data-vertex-id": n.id, "data-name": name,
      "data-parallelism": n.parallelism, "data-records-in": v.recordsIn ?? 0, "data-records-out": v.recordsOut ?? 0,
      "data-busy": (v.busyRatio ?? 0).toFixed(3), "data-backpressure": bp, "data-watermark": v.inputWatermark ?? "",
    },
    s("title", {}, name),
    s("rect", { class: "box", width: W, height: H, fill: busyColor(v.busyRatio), stroke }),
    s("text", { x: 12, y: 22, "font-weight": 600, "font-size": 13 }, short),
    s("text", { x: 12, y: 42, "font-size": 12, fill: "#374151" }, `parallelism ${n.parallelism} · ${v.status || ""}`),
    s("text", { x: 12, y: 60, "font-size": 12, fill: "#374151", class: "rates" },
      `in ${count(v.recordsInPerSecond)}/s · out ${count(v.recordsOutPerSecond)}/s`),
    s("text", { x: 12, y: 78, "font-size": 12, fill: "#374151" }, `busy ${percent(v.busyRatio)} · backpressure `,
      s("tspan", { fill: stroke, "font-weight": 600 }, `${bp} ${percent(v.backPressureRatio)}`)),
    s("text", { x: 12, y: 96, "font-size": 11, fill: "#6b7280" }, `watermark ${watermark(v.inputWatermark ?? v.outputWatermark)}`)));
  }
  return svg;
}

function sparkline(values) {
  const w = 90, hgt = 22;
  if (!values || values.length < 2) return h("span", { class: "muted" }, "…");
  const max = Math.max(1, ...values);
  const points = values.map((v, i) => `${(i / (values.length - 1)) * w},${hgt - (v / max) * (hgt - 2) - 1}`).join(" ");
  return s("svg", { width: w, height: hgt, class: "spark" }, s("polyline", { points, fill: "none", stroke: "#2563eb", "stroke-width": 1.5 }));
}

async function checkpointsTab(id, detail) {
  const names = new Map((detail.vertices || []).map((v) => [String(v.id), v.name]));
  const [stats, config] = await Promise.all([api(`/jobs/${id}/checkpoints`), api(`/jobs/${id}/checkpoints/config`).catch(() => null)]);
  const c = stats.counts, sm = stats.summary;
  const rows = [];
  for (const cp of stats.history) {
    const open = ui.openCheckpoint === cp.id;
    rows.push(h("tr", { class: "clickable checkpoint-row", "data-checkpoint-id": cp.id, "data-status": cp.status,
      onclick: () => { location.hash = open ? `#/jobs/${id}/checkpoints` : `#/jobs/${id}/checkpoints/${cp.id}`; } },
      h("td", { class: "num" }, (open ? "▾ " : "▸ ") + cp.id), h("td", {}, badge(cp.status)),
      h("td", {}, time(cp.trigger_timestamp)), h("td", { class: "num" }, millis(cp.end_to_end_duration)),
      h("td", { class: "num" }, bytes(cp.state_size)), h("td", { class: "num" }, bytes(cp.checkpointed_size)),
      h("td", { class: "num" }, `${cp.num_acknowledged_subtasks}/${cp.num_subtasks}`),
      h("td", {}, cp.failure_message || "")));
    if (open) rows.push(h("tr", { class: "nested" }, h("td", { colspan: 8 }, await checkpointBreakdown(id, cp, names))));
  }
  // A checkpoint asked for by its address that is no longer among the latest ten.
  const older = ui.openCheckpoint !== null && !stats.history.some((cp) => cp.id === ui.openCheckpoint)
    ? await api(`/jobs/${id}/checkpoints/details/${ui.openCheckpoint}`).then((cp) => checkpointBreakdown(id, cp, names)).catch((e) => h("p", { class: "muted" }, e.message))
    : null;
  return h("div", {},
    h("div", { class: "cards" },
      h("div", { class: "card" }, h("div", { class: "value", id: "checkpoints-completed" }, c.completed), h("div", { class: "label" }, "completed")),
      h("div", { class: "card" }, h("div", { class: "value", id: "checkpoints-failed" }, c.failed), h("div", { class: "label" }, "failed")),
      h("div", { class: "card" }, h("div", { class: "value" }, c.in_progress), h("div", { class: "label" }, "in progress")),
      config ? h("div", { class: "card" }, h("div", { class: "value" }, millis(config.interval)), h("div", { class: "label" }, `interval, ${config.mode}`)) : null),
    h("h2", {}, "Summary of completed checkpoints"),
    table(["", "Minimum ", "Average ", "Maximum "], [
      ["Duration", millis], ["Full size", bytes], ["Checkpointed (incremental) size", bytes],
    ].map(([label, f], i) => {
      const m = [sm.end_to_end_duration, sm.state_size, sm.checkpointed_size][i];
      return h("tr", {}, h("td", {}, label), h("td", { class: "num" }, f(m.min)), h("td", { class: "num" }, f(m.avg)), h("td", { class: "num" }, f(m.max)));
    })),
    older ? h("div", {}, h("h2", {}, `Checkpoint ${ui.openCheckpoint}`), older) : null,
    h("h2", {}, "History (latest first; click a checkpoint for its subtasks)"),
    stats.history.length
      ? table(["Id ", "Status", "Triggered", "Duration ", "Full size ", "Checkpointed size ", "Acknowledged ", "Failure"], rows, { id: "checkpoint-history" })
      : h("p", { class: "muted" }, "No checkpoint yet (is execution.checkpointing.interval set?)."));
}

async function checkpointBreakdown(id, cp, names) {
  if (cp.status !== "COMPLETED") return h("span", { class: "muted" }, cp.failure_message || "No breakdown for a checkpoint that did not complete.");
  const details = await api(`/jobs/${id}/checkpoints/details/${cp.id}`);
  const vertexIds = Object.keys(details.tasks || {}).sort((a, b) => Number(a) - Number(b));
  const parts = await Promise.all(vertexIds.map((v) => api(`/jobs/${id}/checkpoints/details/${cp.id}/subtasks/${v}`)));
  return h("div", { class: "checkpoint-breakdown", "data-checkpoint-id": cp.id },
    table(["Vertex", "Subtask ", "Acknowledged after ", "State size "],
      parts.flatMap((p) => (p.subtasks || []).map((t) => h("tr", { class: "checkpoint-subtask" },
        h("td", {}, names.get(String(p.id)) || `vertex ${p.id}`), h("td", { class: "num" }, t.index),
        h("td", { class: "num" }, millis(t.end_to_end_duration)), h("td", { class: "num" }, bytes(t.state_size)))))));
}

async function exceptionsTab(id) {
  const ex = await api(`/jobs/${id}/exceptions`);
  const entries = (ex.exceptionHistory && ex.exceptionHistory.entries) || [];
  if (!ex["root-exception"] && !entries.length) return h("p", { class: "muted", id: "no-exceptions" }, "No exceptions: the job has not failed or restarted.");
  return h("div", { id: "exceptions" },
    h("h2", {}, "Root cause"),
    h("pre", { class: "root-cause" }, ex["root-exception"] || entries[0].stacktrace),
    entries.length > 1 ? h("h2", {}, "Earlier failures (latest first)") : null,
    entries.slice(1).map((e) => h("pre", {}, e.stacktrace)));
}

async function configurationTab(id, detail) {
  const config = await api(`/jobs/${id}/checkpoints/config`).catch(() => null);
  return h("div", {},
    h("h2", {}, "Arguments"),
    h("pre", {}, (detail.arguments || []).join(" ") || "(none)"),
    config ? h("div", {}, h("h2", {}, "Checkpointing"),
      table(["Key", "Value"], Object.entries(config).map(([k, v]) => h("tr", {}, h("td", {}, k), h("td", { class: "mono" }, JSON.stringify(v)))))) : null);
}

async function cancelJob(id) {
  if (!confirm(`Cancel job ${id}?`)) return;
  try {
    await api(`/jobs/${id}?mode=cancel`, { method: "PATCH" });
    ui.message = "Cancellation requested.";
  } catch (e) { ui.message = e.message; }
  refresh();
}

async function savepoint(id, stop) {
  const dir = prompt(stop ? "Stop the job with a savepoint into directory:" : "Write a savepoint into directory:", "");
  if (dir === null) return;
  const body = stop ? { targetDirectory: dir || null } : { "target-directory": dir || null, "cancel-job": false };
  try {
    const trigger = await api(`/jobs/${id}/${stop ? "stop" : "savepoints"}`, {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
    });
    ui.message = `${stop ? "Stop" : "Savepoint"} requested (${trigger["request-id"]})…`;
    refresh();
    for (let i = 0; i < 600; i++) {
      const status = await api(`/jobs/${id}/savepoints/${trigger["request-id"]}`);
      if (status.status.id === "COMPLETED") {
        const op = status.operation || {};
        ui.message = op["failure-cause"] ? `Savepoint failed: ${op["failure-cause"]["stack-trace"] || JSON.stringify(op["failure-cause"])}` : `Savepoint written to ${op.location}`;
        break;
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  } catch (e) { ui.message = e.message; }
  refresh();
}

async function taskManagersView() {
  const tms = (await api("/taskmanagers")).taskmanagers;
  return h("div", {}, h("h1", {}, "TaskManagers"),
    tms.length ? table(["Id", "Address", "Slots ", "CPU load ", "Memory (RSS) ", "Threads ", "Last heartbeat "],
      tms.map((t) => h("tr", { class: "taskmanager-row", "data-taskmanager-id": t.id },
        h("td", { class: "mono" }, h("a", { href: `#/taskmanagers/${encodeURIComponent(t.id)}` }, t.id)),
        h("td", { class: "mono" }, t.path),
        h("td", { class: "num" }, `${t.freeSlots} free of ${t.slotsNumber}`),
        h("td", { class: "num" }, t.process ? t.process.cpuLoad.toFixed(2) : "–"),
        h("td", { class: "num" }, t.process ? bytes(t.process.memoryRSS) : "–"),
        h("td", { class: "num" }, t.process ? t.process.threads : "–"),
        h("td", { class: "num" }, millis(t.timeSinceLastHeartbeat) + " ago"))), { id: "taskmanagers" })
      : h("p", { class: "muted" }, "No TaskManager is registered."));
}

async function taskManagerView(id, logName) {
  const tm = await api(`/taskmanagers/${encodeURIComponent(id)}`);
  const logs = await api(`/taskmanagers/${encodeURIComponent(id)}/logs`).catch((e) => ({ error: e.message }));
  const metrics = await api(`/taskmanagers/${encodeURIComponent(id)}/metrics?get=Status.Process.CPU.Load,Status.Process.CPU.Time,Status.Process.Memory.RSS,Status.Process.Threads.Count`);
  return h("div", {}, h("h1", {}, "TaskManager ", h("span", { class: "mono" }, tm.id)),
    table(["Address", "Data port ", "Slots ", "Started", "Last heartbeat "], [h("tr", {},
      h("td", { class: "mono" }, tm.path), h("td", { class: "num" }, tm.dataPort), h("td", { class: "num" }, `${tm.freeSlots} free of ${tm.slotsNumber}`),
      h("td", {}, tm.process ? time(tm.process.startTime) : "–"), h("td", { class: "num" }, millis(tm.timeSinceLastHeartbeat) + " ago"))]),
    h("h2", {}, "Metrics"),
    table(["Metric", "Value "], metrics.map((m) => h("tr", {}, h("td", { class: "mono" }, m.id), h("td", { class: "num" }, m.value)))),
    await logsSection(`/taskmanagers/${encodeURIComponent(id)}/logs`, `#/taskmanagers/${encodeURIComponent(id)}`, logs, logName));
}

async function jobManagerView(logName) {
  const [config, logs] = await Promise.all([api("/jobmanager/config"), api("/jobmanager/logs").catch((e) => ({ error: e.message }))]);
  return h("div", {}, h("h1", {}, "JobManager"),
    h("h2", {}, "Configuration"),
    table(["Key", "Value"], config.map((e) => h("tr", {}, h("td", { class: "mono" }, e.key), h("td", { class: "mono" }, e.value))), { id: "jobmanager-config" }),
    await logsSection("/jobmanager/logs", "#/jobmanager", logs, logName));
}

async function logsSection(base, route, logs, logName) {
  const files = logs.logs || [];
  const section = h("div", { id: "logs" }, h("h2", {}, "Logs"));
  if (logs.error) return append(section, [h("p", { class: "muted" }, logs.error)]);
  if (!files.length) return append(section, [h("p", { class: "muted" }, "No log files: the process logs to standard error (set logging.dir).")]);
  append(section, [table(["File", "Size ", "Modified"], files.map((f) => h("tr", {},
    h("td", { class: "mono" }, h("a", { href: `${route}/logs/${encodeURIComponent(f.name)}` }, f.name)),
    h("td", { class: "num" }, bytes(f.size)), h("td", {}, time(f.mtime)))))]);
  const shown = logName || files[0].name;
  const text = await api(`${base}/${encodeURIComponent(shown)}`).catch((e) => e.message);
  const pre = h("pre", { id: "log-text", "data-file": shown }, typeof text === "string" ? text : JSON.stringify(text, null, 2));
  append(section, [h("h2", {}, `${shown} (last MiB)`), pre]);
  requestAnimationFrame(() => { pre.scrollTop = pre.scrollHeight; });
  return section;
}

// ---- Routing and refresh -------------------------------------------------------------------

const routes = [
  [/^#?\/?$/, () => overviewView(), "overview", true],
  [/^#\/jobs\/?$/, () => jobsView(), "jobs", true],
  [/^#\/jobs\/([0-9a-fA-F]+)(?:\/(\w+))?(?:\/(\d+))?$/, (m) => jobView(m[1], m[2], m[3]), "jobs", true],
  [/^#\/taskmanagers\/?$/, () => taskManagersView(), "taskmanagers", true],
  [/^#\/taskmanagers\/([^/]+)\/logs\/(.+)$/, (m) => taskManagerView(decodeURIComponent(m[1]), decodeURIComponent(m[2])), "taskmanagers", false],
  [/^#\/taskmanagers\/([^/]+)$/, (m) => taskManagerView(decodeURIComponent(m[1])), "taskmanagers", true],
  [/^#\/jobmanager\/logs\/(.+)$/, (m) => jobManagerView(decodeURIComponent(m[1])), "jobmanager", false],
  [/^#\/jobmanager\/?$/, () => jobManagerView(), "jobmanager", false],
];

let rendering = false;
let shownHash = null;

async function refresh(fromTimer) {
  const hash = location.hash || "#/";
  const route = routes.find(([pattern]) => pattern.test(hash));
  if (!route) { document.getElementById("view").replaceChildren(h("p", {}, `No page ${hash}.`)); return; }
  const [pattern, view, nav, live] = route;
  // Log pages are drawn once (a redraw would move the reader's scroll position).
  if (fromTimer && (!live || rendering || hash !== shownHash)) return;
  rendering = true;
  const errorBox = document.getElementById("error");
  try {
    const node = await view(hash.match(pattern));
    if ((location.hash || "#/") !== hash) return;
    document.getElementById("view").replaceChildren(node);
    shownHash = hash;
    errorBox.hidden = true;
    for (const a of document.querySelectorAll("header nav a")) a.classList.toggle("active", a.dataset.nav === nav);
    document.getElementById("refreshed").textContent = `updated ${new Date().toLocaleTimeString()}`;
    document.body.dataset.refreshedAt = String(Date.now());
  } catch (e) {
    errorBox.textContent = e.message;
    errorBox.hidden = false;
  } finally {
    rendering = false;
  }
}

window.addEventListener("hashchange", () => { ui.message = null; refresh(false); });
setInterval(() => refresh(true), REFRESH_MS);
refresh(false);
