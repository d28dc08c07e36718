// The checklist page and its printable record, offline: answers are kept in the browser
// and marked "not synced" until the server confirms them; conflicts are shown field by
// field. Every string shown comes translated from the page (templates/checklists/_offline.html).
import * as store from "./offline-store.js";
import { reducePhoto } from "./photos.js";
import { SyncClient } from "./sync.js";

const ANSWER_FIELDS = ["answer", "note", "points"];
const FINDING_ACTION = /\/checklist\/items\/(\d+)\/finding$/;

// The page's addresses and translated strings (data-* of the partial's #offline-page).
const strings = document.getElementById("offline-page").dataset;
const inspection = Number(strings.inspectionId);
const forms = Array.from(document.querySelectorAll("form.checklist-item"));
const status = document.getElementById("sync-status");
let copy = null;
let client = null;

function say(text) {
  if (status) status.textContent = text;
}

function answerLabel(value) {
  return strings[`answer${value ? value.replace(/(^|_)(\w)/g, (m, s, c) => c.toUpperCase()) : "None"}`] || value;
}

function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) return meta.content;
  const field = document.querySelector('input[name="csrf_token"]');
  return field ? field.value : "";
}

function itemOf(id) {
  return copy ? copy.items.find((item) => item.id === id) : null;
}

// The newest checklist the browser can know: the server's when it answers, else the copy.
async function loadCopy() {
  try {
    const response = await fetch(strings.checklistUrl, { credentials: "same-origin", redirect: "manual",
                                        headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(String(response.status));
    copy = await response.json();
    await store.saveChecklist(inspection, copy);
  } catch (error) {
    copy = await store.loadChecklist(inspection);
  }
}

// What the inspector sees for an item: the server's answer, then their unsynced changes.
function localItem(id, pending) {
  const item = { ...(itemOf(id) || {}) };
  for (const change of pending) {
    if (change.item_id === id && (change.type === "answer" || change.type === "resolve")
        && change.choice !== "theirs") Object.assign(item, change.fields);
  }
  return item;
}

function setFormValues(form, item) {
  const fields = form.elements;
  if (item.answer !== undefined && fields.answer) fields.answer.value = item.answer || "";
  if (item.note !== undefined && fields.note) fields.note.value = item.note || "";
  if (item.points !== undefined && fields.points) fields.points.value = item.points ?? "";
  if (item.version !== undefined) {
    form.dataset.version = item.version;
    if (fields.version) fields.version.value = item.version;
  }
}

function markUnsynced(element, count) {
  let badge = element.querySelector(":scope > .sync-badge");
  if (!count) {
    if (badge) badge.remove();
    return;
  }
  if (!badge) {
    badge = document.createElement("span");
    badge.className = "badge text-bg-warning sync-badge";
    element.prepend(badge);
  }
  badge.textContent = strings.unsynced;
}

async function renderChecklist() {
  const pending = await store.pendingChanges(inspection);
  for (const form of forms) {
    const id = Number(form.dataset.itemId);
    const server = itemOf(id);
    // Values the inspector is typing stay; only a newer server copy or a kept change
    // (the page may be a copy taken when offline work was prepared) replaces them.
    if (server && server.version > Number(form.dataset.version)) setFormValues(form, server);
    const mine = pending.filter((c) => c.item_id === id);
    if (mine.length) setFormValues(form, { ...localItem(id, pending), version: form.dataset.version });
    markUnsynced(form, mine.length);
    renderFindingAction(form, id, mine);
  }
  renderWarning(pending.length);
  await renderConflicts();
}

// A "not met" item without a finding offers one, made offline like any other change.
function renderFindingAction(form, id, mine) {
  const holder = form.parentElement.querySelector(`[data-offline-finding="${id}"]`);
  const server = itemOf(id);
  const wanted = form.elements.answer && form.elements.answer.value === "not_met"
    && !(server && server.finding) && !mine.some((c) => c.type === "finding")
    && !form.parentElement.querySelector(`form[action$="/items/${id}/finding"]`);
  if (!wanted) {
    if (holder) holder.remove();
    return;
  }
  if (holder) return;
  const button = document.getElementById("offline-finding-template").content.firstElementChild
    .cloneNode(true);
  button.dataset.offlineFinding = id;
  button.addEventListener("click", () => queueFinding(id, form));
  form.after(button);
}

function renderWarning(count) {
  const warning = document.getElementById("offline-unsynced-warning");
  warning.hidden = count === 0;
  warning.textContent = count ? strings.unsyncedWarning.replace("{count}", count) : "";
}

async function queueFinding(id, form) {
  const item = itemOf(id) || {};
  await store.addChange({
    id: store.newId(), inspection, type: "finding", item_id: id,
    fields: { title: item.content || "", description: form.elements.note ? form.elements.note.value : "" },
  });
  await renderChecklist();
  client.sync();
}

function changedFields(form, id) {
  const server = itemOf(id) || {};
  const fields = {};
  for (const name of ANSWER_FIELDS) {
    const field = form.elements[name];
    if (!field) continue;
    const value = name === "points" && field.value === "" ? null : field.value;
    const known = server[name] ?? (name === "points" ? null : "");
    if (String(value ?? "") !== String(known ?? "") || !(name in server)) fields[name] = value;
  }
  return fields;
}

async function queueAnswer(form) {
  const id = Number(form.dataset.itemId);
  const fields = changedFields(form, id);
  if (Object.keys(fields).length) {
    const server = itemOf(id);
    await store.addChange({
      id: store.newId(), inspection, type: "answer", item_id: id, fields,
      base_version: server ? server.version : Number(form.dataset.version),
    });
  }
  const input = form.elements.photos;
  for (const file of input ? Array.from(input.files) : []) {
    const photo = await reducePhoto(file);
    await store.addChange({ id: store.newId(), inspection, type: "photo", item_id: id,
                            name: photo.name, content_type: "image/jpeg", photo: photo.blob });
  }
  if (input) input.value = "";
}

function interceptForms() {
  for (const form of forms) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      await queueAnswer(form);
      await renderChecklist();
      client.sync();
    });
  }
  for (const form of document.querySelectorAll("form")) {
    const match = FINDING_ACTION.exec(new URL(form.action, location.href).pathname);
    if (!match) continue;
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const itemForm = forms.find((f) => f.dataset.itemId === match[1]);
      form.remove();
      queueFinding(Number(match[1]), itemForm);
    });
  }
}

function showValue(field, value) {
  if (field === "answer") return answerLabel(value);
  return value === null || value === undefined || value === "" ? "—" : String(value);
}

async function renderConflicts() {
  const section = document.getElementById("sync-conflicts");
  const list = section.querySelector(".conflict-list");
  const open = await store.conflicts(inspection);
  list.replaceChildren(...open.map(conflictCard));
  section.hidden = open.length === 0;
}

function conflictCard(conflict) {
  const card = document.getElementById("conflict-template").content.firstElementChild
    .cloneNode(true);
  const item = itemOf(conflict.item_id) || {};
  card.dataset.conflictItem = conflict.item_id;
  card.querySelector(".conflict-item").textContent =
    [item.code, item.content].filter(Boolean).join(" ");
  const rows = card.querySelector("tbody");
  const rowTemplate = document.getElementById("conflict-row-template").content.firstElementChild;
  for (const field of conflict.fields) {
    const row = rowTemplate.cloneNode(true);
    row.querySelector(".conflict-field").textContent = field.label || field.field;
    row.querySelector(".conflict-mine").textContent = showValue(field.field, field.mine);
    row.querySelector(".conflict-theirs").textContent = showValue(field.field, field.theirs);
    row.querySelector(".conflict-who").textContent =
      [field.changed_by, field.changed_at && new Date(field.changed_at).toLocaleString()]
        .filter(Boolean).join(", ");
    rows.append(row);
  }
  for (const button of card.querySelectorAll("[data-choice]")) {
    button.addEventListener("click", async () => {
      await store.resolveConflict(conflict, button.dataset.choice);
      await renderChecklist();
      client.sync();
    });
  }
  return card;
}

async function prepareOffline() {
  say(strings.preparing);
  const granted = navigator.storage && navigator.storage.persist
    ? await navigator.storage.persist() : false;
  try {
    const response = await fetch(strings.manifestUrl,
                                 { credentials: "same-origin", redirect: "manual" });
    if (!response.ok) throw new Error(String(response.status));
    const { urls } = await response.json();
    const own = [location.pathname,
                 ...Array.from(document.querySelectorAll("script[src], link[rel=stylesheet]"),
                               (e) => new URL(e.src || e.href).pathname)];
    const kept = await keepCopies([...new Set([...own, ...urls])]);
    await loadCopy();
    say(strings.prepared.replace("{count}", kept));
  } catch (error) {
    say(strings.prepareFailed);
  }
  document.getElementById("persist-refused").hidden = granted;
}

// Copy each URL into the service worker's cache, a few at a time; a page that sends the
// browser elsewhere (signed out, refused) is not kept.
async function keepCopies(urls) {
  const cache = await caches.open("inspect-offline-v1");
  let kept = 0;
  const queue = urls.slice();
  const worker = async () => {
    for (let url = queue.shift(); url; url = queue.shift()) {
      const response = await fetch(url, { credentials: "same-origin" }).catch(() => null);
      if (response && response.ok && !response.redirected) {
        await cache.put(url, response);
        kept += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return kept;
}

function onState(state, error) {
  if (state === "synced") say(strings.synced);
  else if (state === "syncing") say(strings.syncing);
  else if (state === "offline") say(strings.offline);
  else say(error && [0, 401].includes(error.status) ? strings.signedOut
    : `${strings.refused} ${(error && error.message) || ""}`.trim());
}

async function onSettled(results) {
  const rejected = results.filter((r) => r.status === "rejected");
  copy = (await store.loadChecklist(inspection)) || copy;
  await renderChecklist();
  for (const result of results) {
    if (result.finding) showFinding(result);
  }
  if (rejected.length) say(rejected.map((r) => r.message).join(" "));
}

function showFinding(result) {
  const itemId = result.item ? result.item.id : null;
  const form = forms.find((f) => Number(f.dataset.itemId) === itemId);
  if (!form || form.parentElement.querySelector(`a[href="${result.finding.url}"]`)) return;
  const link = document.createElement("a");
  link.href = result.finding.url;
  link.className = "d-inline-block my-1";
  link.textContent = result.finding.title;
  form.after(link);
}

// The printable record, offline: each row shows the answer and note as kept locally.
async function renderRecord() {
  const pending = await store.pendingChanges(inspection);
  for (const row of document.querySelectorAll("[data-item-id]")) {
    const id = Number(row.dataset.itemId);
    const item = localItem(id, pending);
    const answer = row.querySelector(".record-answer");
    const note = row.querySelector(".record-note");
    if (answer && item.answer !== undefined) answer.textContent = answerLabel(item.answer);
    if (note && item.note !== undefined) note.textContent = item.note;
    markUnsynced(row, pending.filter((c) => c.item_id === id).length);
  }
  if (pending.length && copy) renderNotMet(pending);
}

// The record's list of items not met, as the local answers make it.
function renderNotMet(pending) {
  const list = document.querySelector(".record-not-met");
  if (!list) return;
  const lines = copy.items.filter((item) => !item.is_section)
    .map((item) => localItem(item.id, pending))
    .filter((item) => item.answer === "not_met")
    .map((item) => {
      const line = document.createElement("li");
      line.textContent = `${item.code}. ${item.content}${item.note ? `: ${item.note}` : ""}`;
      return line;
    });
  if (!lines.length) {
    const none = document.createElement("li");
    none.className = "list-unstyled";
    none.textContent = strings.none;
    lines.push(none);
  }
  list.replaceChildren(...lines);
}

async function start() {
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(strings.serviceWorker, { scope: "/" }).catch(() => null);
  }
  await loadCopy();
  // The printable record, or a checklist this user may only read: nothing to send.
  if (!forms.length || !document.getElementById("sync-now")) {
    await renderRecord();
    return;
  }
  client = new SyncClient({ inspection, syncUrl: strings.syncUrl,
                            csrfToken: csrfToken(), onSettled, onState });
  interceptForms();
  for (const id of ["prepare-offline", "sync-now"]) document.getElementById(id).hidden = false;
  document.getElementById("prepare-offline").addEventListener("click", prepareOffline);
  document.getElementById("sync-now").addEventListener("click", () => client.sync());
  await renderChecklist();
  client.start();
}

start();
