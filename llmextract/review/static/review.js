// The review page's behaviour: decisions are POSTed as JSON with the token header, then the
// page moves on. All text reaches the DOM through textContent, never innerHTML.
"use strict";

const token = document.querySelector('meta[name="review-token"]').content;
const page = document.body.dataset;
const errorBox = document.getElementById("error");
const noteInput = document.getElementById("note");
const articleText = document.getElementById("article-text");
const correctForm = document.getElementById("correct-form");
const addForm = document.getElementById("add-form");

async function post(path, payload) {
  const response = await fetch(path, {
    method: "POST",
    headers: {"Content-Type": "application/json", "X-Review-Token": token},
    body: JSON.stringify(payload),
  });
  let data = {};
  try { data = await response.json(); } catch (e) { data = {error: "unexpected answer " + response.status}; }
  return {ok: response.ok, data};
}

function showError(box, data) {
  if (!box) return;
  box.textContent = "";
  box.append(data.error || "refused");
  for (const flag of data.flags || []) {
    const line = document.createElement("div");
    line.textContent = flag.severity + ": " + flag.message;
    box.append(line);
  }
  box.hidden = false;
}

function moveOn() {
  location.href = page.nextOpen || location.href;
}

async function settle(path, payload, box) {
  const {ok, data} = await post(path, payload);
  if (ok) moveOn(); else showError(box, data);
}

function decide(action) {
  if (!page.key) return;
  settle("/api/decide", {key: page.key, action, note: noteInput ? noteInput.value : ""}, errorBox);
}

function formFields(form) {
  const fields = {};
  for (const el of form.elements) {
    if (!el.name || ["note", "start", "end", "item_type"].includes(el.name)) continue;
    fields[el.name] = el.type === "checkbox" ? el.checked : el.value;
  }
  return fields;
}

function offsetOf(node, offset) {
  // Article chunks are flat spans carrying their start offset in data-s: a boundary inside a
  // text node is the chunk start plus the offset; a boundary between child nodes counts the
  // text of the children before it.
  if (node.nodeType === Node.TEXT_NODE) {
    const chunk = node.parentElement.closest("[data-s]");
    return chunk && articleText.contains(chunk) ? Number(chunk.dataset.s) + offset : null;
  }
  if (node === articleText) {
    const child = articleText.children[offset];
    return child ? Number(child.dataset.s) : articleText.textContent.length;
  }
  const chunk = node.closest ? node.closest("[data-s]") : null;
  if (!chunk || !articleText.contains(chunk)) return null;
  let before = 0;
  for (const child of Array.from(node.childNodes).slice(0, offset)) before += child.textContent.length;
  return Number(chunk.dataset.s) + before;
}

function selectionSpan() {
  const sel = window.getSelection();
  if (!sel || sel.isCollapsed || !sel.rangeCount || !articleText) return null;
  const range = sel.getRangeAt(0);
  const start = offsetOf(range.startContainer, range.startOffset);
  const end = offsetOf(range.endContainer, range.endOffset);
  if (start === null || end === null || end <= start) return null;
  return {start, end, text: sel.toString()};
}

function openPanel(form) {
  for (const other of [correctForm, addForm]) if (other && other !== form) other.hidden = true;
  form.hidden = false;
  const first = form.querySelector("input:not([type=hidden]), textarea, select");
  if (form === correctForm) {
    const value = form.elements.namedItem("value");
    (value || first).focus();
    if (value && value.select) value.select();
  } else if (first) first.focus();
}

function openAdd() {
  const span = selectionSpan();
  addForm.elements.namedItem("start").value = span ? span.start : "";
  addForm.elements.namedItem("end").value = span ? span.end : "";
  addForm.elements.namedItem("quote").value = span ? span.text : "";
  if (span && /^[\d.,%\s]+$/.test(span.text.trim())) {
    addForm.elements.namedItem("value_text").value = span.text.trim();
  }
  openPanel(addForm);
}

function closePanels() {
  for (const form of [correctForm, addForm]) if (form) form.hidden = true;
  if (document.activeElement) document.activeElement.blur();
}

if (correctForm) {
  correctForm.addEventListener("submit", (event) => {
    event.preventDefault();
    settle("/api/correct", {key: page.key, fields: formFields(correctForm),
                            note: correctForm.elements.namedItem("note").value},
           correctForm.querySelector(".form-error"));
  });
}

if (addForm) {
  addForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const f = addForm.elements;
    const fields = formFields(addForm);
    fields.indicator = fields.name;  // a target names its indicator
    const start = parseInt(f.namedItem("start").value, 10);
    const end = parseInt(f.namedItem("end").value, 10);
    const payload = {article_id: page.article, item_type: f.namedItem("item_type").value, fields,
                     note: f.namedItem("note").value, flag_id: page.flag || null};
    if (!Number.isNaN(start) && !Number.isNaN(end)) { payload.start = start; payload.end = end; }
    settle("/api/add", payload, addForm.querySelector(".form-error"));
  });
}

document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-action]");
  if (button) run(button.dataset.action);
});

function run(action) {
  if (action === "accept" || action === "reject") decide(action);
  else if (action === "dismiss" && page.flag) decide("accept");
  else if (action === "correct" && correctForm) openPanel(correctForm);
  else if (action === "add" && addForm) openAdd();
  else if (action === "next" && page.next) location.href = page.next;
  else if (action === "prev" && page.prev) location.href = page.prev;
  else if (action === "close") closePanels();
}

const sampleForm = document.getElementById("sample-form");
if (sampleForm) {
  sampleForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const f = sampleForm.elements;
    const {ok, data} = await post("/api/sample", {per_article: f.namedItem("per_article").value,
                                                  seed: f.namedItem("seed").value});
    if (ok) location.reload();
    else showError(sampleForm.parentElement.querySelector(".form-error"), data);
  });
}

// "d" dismisses a flag about the whole article (recorded as an accept of the flag); on an item
// it does nothing, so a slip of the finger never accepts one.
const KEYS = {a: "accept", d: "dismiss", r: "reject", c: "correct", n: "add", j: "next", k: "prev",
              ArrowRight: "next", ArrowLeft: "prev"};

document.addEventListener("keydown", (event) => {
  if (event.key === "Escape") { closePanels(); return; }
  const typing = event.target.closest && event.target.closest("input, textarea, select");
  if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.key === "/" && noteInput) { event.preventDefault(); noteInput.focus(); return; }
  const action = KEYS[event.key];
  if (action) { event.preventDefault(); run(action); }
});

const focus = document.querySelector("#article-text .hl-focus, #article-text .hl-current");
if (focus) focus.scrollIntoView({block: "center"});
