// The MenSI dashboard: polls the AppHost's small JSON API and draws with the DOM only (text, never HTML from data).
"use strict";

const api = async (path, options = {}) => {
  // The header proves the request comes from this page's own script: the AppHost refuses changes without it.
  const response = await fetch(path, { ...options, headers: { "X-Dashboard-Request": "1", "Content-Type": "application/json", ...(options.headers || {}) } });
  if (response.status === 401) { document.getElementById("summary").textContent = "Signed out: open the sign-in link the AppHost printed in its console."; throw new Error("401"); }
  if (!response.ok) throw new Error(`${response.status} ${(await response.text()).slice(0, 300)}`);
  return response.status === 202 ? null : response.json();
};

const el = (tag, attributes = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "text") node.textContent = value;
    else if (name === "onclick") node.addEventListener("click", value);
    else if (value !== undefined && value !== null) node.setAttribute(name, value);
  }
  node.append(...children);
  return node;
};

const duration = seconds => {
  if (seconds === null || seconds === undefined) return "-";
  const h = Math.floor(seconds / 3600), m = Math.floor(seconds % 3600 / 60), s = Math.floor(seconds % 60);
  return h > 0 ? `${h} h ${m} min` : m > 0 ? `${m} min ${s} s` : `${s} s`;
};

const act = async (name, action) => {
  if (action !== "start" && !confirm(`${action[0].toUpperCase() + action.slice(1)} ${name}?`)) return;
  try { await api(`/api/resources/${encodeURIComponent(name)}/${action}`, { method: "POST" }); } catch (e) { alert(`${action} ${name}: ${e.message}`); }
  refreshResources();
};

async function refreshResources() {
  let resources;
  try { resources = await api("/api/resources"); } catch { return; }
  const healthy = resources.filter(r => r.state === "healthy").length;
  document.getElementById("summary").textContent = `${healthy} of ${resources.length} resources healthy · updated ${new Date().toLocaleTimeString()}`;
  const body = document.querySelector("#resources tbody");
  body.replaceChildren(...resources.map(r => {
    const running = r.pid !== null && r.pid !== undefined;
    // A database lives in its server's process: it is stopped and started with the server.
    const actions = r.kind === "database" ? el("td", { text: "with postgres" }) : el("td", {},
      el("button", { type: "button", "data-action": "restart", onclick: () => act(r.name, "restart") }, "Restart"),
      r.state === "stopped"
        ? el("button", { type: "button", "data-action": "start", onclick: () => act(r.name, "start") }, "Start")
        : el("button", { type: "button", "data-action": "stop", onclick: () => act(r.name, "stop") }, "Stop"));
    return el("tr", { "data-resource": r.name },
      el("td", { text: r.name }),
      el("td", { text: r.kind }),
      el("td", { class: `state state-${r.state}`, "data-state": r.state, text: r.state }),
      el("td", { class: "number", "data-pid": running ? r.pid : "", text: running ? r.pid : "-" }),
      el("td", { text: duration(r.uptimeSeconds) }),
      el("td", { class: "number", "data-restarts": r.restarts, text: r.restarts }),
      el("td", {}, r.endpoint ? el("span", { text: r.endpoint + " " }) : "", ...r.links.map(l => el("a", { href: l.url, target: "_blank", rel: "noopener" }, l.title))),
      el("td", { "data-outbox": r.outbox ? r.outbox.pending : "", text: r.outbox ? `${r.outbox.pending} pending${r.outbox.parked ? `, ${r.outbox.parked} parked` : ""}` : "-" }),
      actions);
  }));

  const select = document.getElementById("log-resource");
  if (select.options.length === 1) {
    for (const r of resources) select.append(el("option", { value: r.name, text: r.name }));
    select.append(el("option", { value: "apphost", text: "apphost" }));
  }
}

let openQueue = null;

async function refreshQueues() {
  const status = document.getElementById("queues-status");
  let queues;
  // Only an outage notice is cleared by a good poll; the result of a move stays until the next move.
  try { queues = await api("/api/queues"); if (status.dataset.kind === "outage") status.textContent = ""; }
  catch (e) { status.textContent = `Queues unavailable: ${e.message}`; status.dataset.kind = "outage"; return; }
  document.querySelector("#queues tbody").replaceChildren(...queues.map(q => {
    const error = q.name.endsWith("_error");
    return el("tr", { "data-queue": q.name, class: error ? `error-queue${q.messages > 0 ? " has-messages" : ""}` : "" },
      el("td", { text: q.name }),
      el("td", { class: "number", "data-messages": q.messages, text: q.messages }),
      el("td", { class: "number", text: q.consumers }),
      el("td", {}, error && q.messages > 0 ? el("button", { type: "button", "data-action": "inspect", onclick: () => showFailed(q.name) }, "Read failed messages") : ""));
  }));
}

async function showFailed(queue) {
  openQueue = queue;
  document.getElementById("failed").hidden = false;
  document.getElementById("failed-queue").textContent = queue;
  let messages;
  try { messages = await api(`/api/queues/${encodeURIComponent(queue)}/messages`); } catch (e) { alert(e.message); return; }
  document.getElementById("failed-messages").replaceChildren(...messages.map(m => el("li", { "data-message-id": m.messageId ?? "" },
    el("p", {}, el("strong", { text: m.reason ?? "(no reason recorded)" }), ` ${m.exceptionType ?? ""} ${m.failedAt ? "at " + m.failedAt : ""}`),
    el("p", { text: `message id ${m.messageId ?? "-"} · ${m.contentType ?? ""}` }),
    el("details", {}, el("summary", { text: "Headers" }), el("pre", { text: JSON.stringify(m.headers, null, 2) })),
    el("pre", { class: "body", text: m.body + (m.bodyTruncated ? "\n…" : "") }),
    el("button", { type: "button", "data-action": "move", onclick: () => moveBack(queue, m.messageId) }, "Move back to its queue"))));
}

async function moveBack(queue, messageId) {
  try {
    const result = await api(`/api/queues/${encodeURIComponent(queue)}/move`, { method: "POST", body: JSON.stringify({ messageId }) });
    const status = document.getElementById("queues-status");
    status.textContent = `Moved ${result.moved} message(s) back from ${queue}.`;
    status.dataset.kind = "result";
  } catch (e) { alert(`Moving back: ${e.message}`); }
  await refreshQueues();
  await showFailed(queue);
}

document.getElementById("move-all").addEventListener("click", () => openQueue && moveBack(openQueue, null));
document.getElementById("close-failed").addEventListener("click", () => { openQueue = null; document.getElementById("failed").hidden = true; });

let lastLine = 0;
const log = document.getElementById("log");
const restartLogs = () => { lastLine = 0; log.replaceChildren(); refreshLogs(); };
document.getElementById("log-resource").addEventListener("change", restartLogs);
document.getElementById("log-search").addEventListener("input", restartLogs);
document.getElementById("log-filter").addEventListener("submit", e => e.preventDefault());

async function refreshLogs() {
  const resource = document.getElementById("log-resource").value;
  const q = document.getElementById("log-search").value;
  let lines;
  try { lines = await api(`/api/logs?resource=${encodeURIComponent(resource)}&after=${lastLine}&q=${encodeURIComponent(q)}`); } catch { return; }
  if (lines.length === 0) return;
  lastLine = lines[lines.length - 1].sequence;
  log.append(...lines.map(l => el("div", {}, el("span", { class: "resource", text: l.resource.padEnd(12) + " " }), l.text)));
  while (log.childElementCount > 2000) log.firstElementChild.remove();
  if (document.getElementById("log-follow").checked) log.scrollTop = log.scrollHeight;
}

refreshResources(); refreshQueues(); refreshLogs();
setInterval(refreshResources, 1000);
setInterval(refreshQueues, 3000);
setInterval(refreshLogs, 1000);
