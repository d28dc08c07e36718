// The browser's copy of offline work, in IndexedDB: changes waiting for the server
// (oldest first, each with its own id and the version it was made on), the last server
// copy of each checklist, and the conflicts the inspector has still to decide.
const NAME = "inspect-offline";
const VERSION = 1;

let connection = null;

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

// A random (version 4) UUID; crypto.randomUUID exists only in secure contexts.
export function newId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function upgrade(db) {
  const changes = db.createObjectStore("changes", { keyPath: "seq", autoIncrement: true });
  changes.createIndex("id", "id", { unique: true });
  changes.createIndex("inspection", "inspection");
  db.createObjectStore("checklists", { keyPath: "inspection" });
  const conflicts = db.createObjectStore("conflicts", { keyPath: "id" });
  conflicts.createIndex("inspection", "inspection");
}

function open() {
  if (!connection) {
    connection = new Promise((resolve, reject) => {
      const req = indexedDB.open(NAME, VERSION);
      req.onupgradeneeded = () => upgrade(req.result);
      req.onsuccess = () => {
        const db = req.result;
        // The browser may close the connection (iOS under memory pressure, enketo#1576)
        // or another tab may upgrade: forget it, the next use opens a new one.
        db.onclose = () => { connection = null; };
        db.onversionchange = () => { db.close(); connection = null; };
        resolve(db);
      };
      req.onerror = () => { connection = null; reject(req.error); };
    });
  }
  return connection;
}

function lostConnection(error) {
  return error && ["InvalidStateError", "UnknownError"].includes(error.name);
}

function transact(db, stores, mode, work) {
  return new Promise((resolve, reject) => {
    const tx = db.transaction(stores, mode);
    let value;
    tx.oncomplete = () => resolve(value);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
    Promise.resolve(work(tx)).then((result) => { value = result; }, (error) => {
      tx.abort();
      reject(error);
    });
  });
}

// One transaction over stores; a dropped connection is reopened and the work tried again.
async function run(stores, mode, work) {
  try {
    return await transact(await open(), stores, mode, work);
  } catch (error) {
    if (!lostConnection(error)) throw error;
    connection = null;
    return transact(await open(), stores, mode, work);
  }
}

function byInspection(store, inspection) {
  return request(store.index("inspection").getAll(IDBKeyRange.only(inspection)));
}

// Queue a change. An answer not yet sent to the server absorbs a newer answer to the same
// item, so one item never carries two answers made on the same version.
export function addChange(change) {
  return run(["changes"], "readwrite", async (tx) => {
    const store = tx.objectStore("changes");
    if (change.type === "answer") {
      const waiting = (await byInspection(store, change.inspection)).find(
        (c) => c.type === "answer" && c.item_id === change.item_id && !c.sent);
      if (waiting) {
        waiting.fields = { ...waiting.fields, ...change.fields };
        await request(store.put(waiting));
        return waiting;
      }
    }
    const record = { ...change, sent: false, created_at: new Date().toISOString() };
    record.seq = await request(store.add(record));
    return record;
  });
}

export function pendingChanges(inspection) {
  return run(["changes"], "readonly", (tx) => byInspection(tx.objectStore("changes"), inspection));
}

export function markSent(seqs) {
  return run(["changes"], "readwrite", async (tx) => {
    const store = tx.objectStore("changes");
    for (const seq of seqs) {
      const change = await request(store.get(seq));
      if (change) {
        change.sent = true;
        await request(store.put(change));
      }
    }
  });
}

// Record the server's answers to one batch: confirmed changes leave the queue, later
// answers to the same item move onto the item's new version, conflicts wait for a choice.
export function settle(inspection, sent, results) {
  return run(["changes", "checklists", "conflicts"], "readwrite", async (tx) => {
    const changes = tx.objectStore("changes");
    const copies = tx.objectStore("checklists");
    const copy = await request(copies.get(inspection));
    const bySeq = new Map(sent.map((c) => [c.id, c]));
    const later = (await request(changes.index("inspection").getAllKeys(
      IDBKeyRange.only(inspection)))).filter((seq) => !sent.some((c) => c.seq === seq));
    const waiting = await Promise.all(later.map((seq) => request(changes.get(seq))));
    for (const result of results) {
      const change = bySeq.get(result.id);
      if (!change) continue;
      changes.delete(change.seq);
      if (result.item && copy) replaceItem(copy.data, result.item);
      if (result.status === "applied" || result.status === "duplicate") {
        if (result.item && change.base_version !== undefined) {
          rebase(changes, waiting, change, result.item.version);
        }
      } else if (result.status === "conflict") {
        await request(tx.objectStore("conflicts").put({
          id: change.id, inspection, item_id: change.item_id, mine: change.fields || {},
          server_version: result.item ? result.item.version : change.base_version,
          fields: (result.conflict && result.conflict.fields) || [],
        }));
      }
    }
    if (copy) await request(copies.put(copy));
  });
}

function rebase(changes, waiting, confirmed, version) {
  for (const later of waiting) {
    if (later.item_id === confirmed.item_id && later.base_version === confirmed.base_version) {
      later.base_version = version;
      changes.put(later);
    }
  }
}

function replaceItem(data, item) {
  const index = data.items.findIndex((i) => i.id === item.id);
  if (index >= 0) data.items[index] = item;
}

export function saveChecklist(inspection, data) {
  return run(["checklists"], "readwrite", (tx) => request(
    tx.objectStore("checklists").put({ inspection, data, saved_at: new Date().toISOString() })));
}

export async function loadChecklist(inspection) {
  const copy = await run(["checklists"], "readonly",
    (tx) => request(tx.objectStore("checklists").get(inspection)));
  return copy ? copy.data : null;
}

export function conflicts(inspection) {
  return run(["conflicts"], "readonly", (tx) => byInspection(tx.objectStore("conflicts"), inspection));
}

// The inspector's choice on a conflict becomes a "resolve" change, sent like any other.
export function resolveConflict(conflict, choice) {
  return run(["conflicts", "changes"], "readwrite", async (tx) => {
    await request(tx.objectStore("conflicts").delete(conflict.id));
    await request(tx.objectStore("changes").add({
      id: newId(), inspection: conflict.inspection, type: "resolve",
      item_id: conflict.item_id, conflict_id: conflict.id, choice,
      base_version: conflict.server_version, fields: conflict.mine, sent: false,
      created_at: new Date().toISOString(),
    }));
  });
}
