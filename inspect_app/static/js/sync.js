// The sync client: sends the queued changes oldest first, in batches, whenever a page is
// open and the network is back (the `online` event, a timer, the "sync now" button).
// Background Sync is not used: it exists only in Chromium browsers.
import * as store from "./offline-store.js";

const MAX_CHANGES = 200;
// Well under the server's 20 MB per batch, counting base64's growth of photos.
const MAX_BYTES = 8 * 1024 * 1024;
const TIMER_MS = 30000;
const FIRST_RETRY_MS = 2000;
const LAST_RETRY_MS = 60000;
// A request a dead connection never answers is given up, and the batch sent again later.
const SEND_TIMEOUT_MS = 120000;

class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

function blobToBase64(blob) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result.slice(reader.result.indexOf(",") + 1));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}

function changeSize(change) {
  return change.photo ? Math.ceil(change.photo.size * 4 / 3) + 1024 : 2048;
}

// The oldest changes that fit one batch. A second change to an item already in the batch
// ends it: that change is made on the first one's result and waits for its new version.
function nextBatch(changes) {
  const batch = [];
  const items = new Set();
  let bytes = 0;
  for (const change of changes) {
    const size = changeSize(change);
    const versioned = change.type === "answer" || change.type === "resolve";
    if (batch.length >= MAX_CHANGES || (batch.length && bytes + size > MAX_BYTES)
        || (versioned && items.has(change.item_id))) break;
    if (versioned) items.add(change.item_id);
    batch.push(change);
    bytes += size;
  }
  return batch;
}

async function wireChange(change) {
  const wire = { id: change.id, type: change.type };
  for (const key of ["item_id", "base_version", "fields", "conflict_id", "choice", "name",
                     "content_type"]) {
    if (change[key] !== undefined) wire[key] = change[key];
  }
  if (change.photo) wire.data = await blobToBase64(change.photo);
  return wire;
}

export class SyncClient {
  constructor({ inspection, syncUrl, csrfToken, onSettled, onState }) {
    this.inspection = inspection;
    this.syncUrl = syncUrl;
    this.csrfToken = csrfToken;
    this.onSettled = onSettled;
    this.onState = onState;
    this.failures = 0;
    this.retry = null;
    this.running = null;
  }

  start() {
    // The network is back: the waits grown while it was gone start again from the first.
    window.addEventListener("online", () => {
      this.failures = 0;
      this.sync();
    });
    setInterval(() => { if (!this.retry) this.sync(); }, TIMER_MS);
    this.sync();
  }

  // Run one sync at a time in this page, and in this browser when Web Locks exist.
  sync() {
    if (!this.running) {
      const work = () => this.drain();
      const locked = navigator.locks
        ? navigator.locks.request(`inspect-sync-${this.inspection}`, work) : work();
      this.running = locked.finally(() => { this.running = null; });
    }
    return this.running;
  }

  async drain() {
    clearTimeout(this.retry);
    this.retry = null;
    for (;;) {
      const batch = nextBatch((await store.pendingChanges(this.inspection))
        .sort((a, b) => a.seq - b.seq));
      if (!batch.length) {
        this.onState("synced");
        return;
      }
      this.onState("syncing");
      try {
        // Only a sent answer must no longer absorb newer ones (store.addChange).
        await store.markSent(batch.filter((c) => c.type === "answer").map((c) => c.seq));
        const results = await this.send(batch);
        await store.settle(this.inspection, batch, results);
        this.failures = 0;
        await this.onSettled(results);
      } catch (error) {
        this.backOff(error);
        return;
      }
    }
  }

  async send(batch) {
    const body = JSON.stringify({ changes: await Promise.all(batch.map(wireChange)) });
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), SEND_TIMEOUT_MS);
    const response = await fetch(this.syncUrl, {
      method: "POST", body, credentials: "same-origin", redirect: "manual",
      signal: abort.signal,
      headers: { "Content-Type": "application/json", "X-CSRFToken": this.csrfToken,
                 Accept: "application/json" },
    }).finally(() => clearTimeout(timer));
    const type = response.headers.get("Content-Type") || "";
    if (!response.ok || !type.includes("application/json")) {
      const payload = type.includes("application/json") ? await response.json() : {};
      throw new HttpError(response.status, payload.error || "");
    }
    return (await response.json()).results;
  }

  // Try again later, waiting twice as long after each failure (with jitter, so laptops
  // coming back together do not all knock at once); the changes stay queued meanwhile.
  backOff(error) {
    this.failures += 1;
    const wait = Math.min(LAST_RETRY_MS, FIRST_RETRY_MS * 2 ** (this.failures - 1));
    this.retry = setTimeout(() => { this.retry = null; this.sync(); },
                            wait / 2 + Math.random() * wait / 2);
    this.onState(error instanceof HttpError ? "refused" : "offline", error);
  }
}
