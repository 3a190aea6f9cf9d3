"""The web page at ``/``: translate with the glossary, see the enforced terms, look terms up.

One self-contained page (inline CSS and JS, no CDN, no request but to this server). Text from
the server is put in the page as text nodes, never as markup. A glossary term in the result is
a ``<mark class="term">`` whose ``title`` names its concept.

For scripted use (and the browser test) the page reads its query string: ``q``, ``source``,
``target``, ``glossary`` fill the form, ``auto=1`` presses Translate, ``lookup=TEXT`` runs a
glossary lookup. When a translation is shown, ``<body data-state="done">``.
"""

from __future__ import annotations

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>toolkit — glossary-consistent translation</title>
<style>
  :root { --ink: #1d2430; --muted: #5b6575; --line: #d5dae3; --accent: #2458c6; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 15px/1.5 system-ui, sans-serif; color: var(--ink); background: #f6f7f9; }
  header { padding: 12px 24px; background: #fff; border-bottom: 1px solid var(--line); }
  header h1 { margin: 0; font-size: 18px; }
  header p { margin: 2px 0 0; color: var(--muted); font-size: 13px; }
  main { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; padding: 16px 24px; }
  section { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 12px; }
  .wide { grid-column: 1 / -1; }
  label { font-size: 13px; color: var(--muted); margin-right: 4px; }
  select, input, textarea, button { font: inherit; }
  textarea { width: 100%; min-height: 180px; padding: 8px; border: 1px solid var(--line);
             border-radius: 4px; resize: vertical; }
  .bar { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin-bottom: 8px; }
  button { background: var(--accent); color: #fff; border: 0; border-radius: 4px;
           padding: 6px 14px; cursor: pointer; }
  button:disabled { opacity: .6; cursor: wait; }
  #result { white-space: pre-wrap; min-height: 180px; padding: 8px; border: 1px solid var(--line);
            border-radius: 4px; background: #fbfcfd; }
  mark.term { background: #ffe9a8; border-bottom: 2px solid #e0a800; padding: 0 1px; }
  #status { font-size: 13px; color: var(--muted); }
  #status.needs_review { color: #a33; }
  #error { color: #a33; font-size: 13px; }
  table { border-collapse: collapse; width: 100%; font-size: 13px; }
  td, th { text-align: left; padding: 3px 6px; border-bottom: 1px solid var(--line); }
  .concept { font-weight: 600; }
  .hidden { display: none; }
</style>
</head>
<body data-state="idle">
<header>
  <h1>Glossary-consistent translation</h1>
  <p>Offline MT with the glossary enforced; a LibreTranslate-compatible API
     (<code>POST /translate</code>) serves the same.</p>
</header>
<main>
  <section>
    <div class="bar">
      <label for="source">From</label><select id="source"></select>
      <label for="target">to</label><select id="target"></select>
      <label for="glossary">glossary</label>
      <select id="glossary"><option value="default">default</option>
        <option value="none">none</option></select>
      <span id="keybox" class="hidden"><label for="key">API key</label>
        <input id="key" size="12"></span>
      <button id="go" type="button">Translate</button>
    </div>
    <textarea id="q" placeholder="Text in Chinese, German or English"></textarea>
  </section>
  <section>
    <div class="bar"><span id="status"></span><span id="error"></span></div>
    <div id="result" aria-live="polite"></div>
  </section>
  <section>
    <h2 style="font-size:15px;margin:0 0 6px">Terms enforced</h2>
    <table><thead><tr><th>concept</th><th>source</th><th>rendered as</th></tr></thead>
      <tbody id="terms"></tbody></table>
  </section>
  <section>
    <div class="bar">
      <label for="lookup-q">Glossary lookup</label><input id="lookup-q" size="24">
      <button id="lookup-go" type="button">Look up</button>
    </div>
    <div id="lookup-result"></div>
  </section>
</main>
<script>
"use strict";
const $ = (id) => document.getElementById(id);
const state = { keyRequired: false };

function el(tag, text, attrs) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, value);
  return node;
}

async function api(path, body) {
  const options = body === undefined ? {} : {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
  const response = await fetch(path, options);
  const data = await response.json();
  if (!response.ok) throw new Error(data.error || response.statusText);
  return data;
}

function fill(select, items, chosen) {
  select.replaceChildren();
  for (const [code, name] of items) select.appendChild(el("option", name, { value: code }));
  if (chosen && items.some(([code]) => code === chosen)) select.value = chosen;
}

// Every occurrence of every enforced target term, longest first, without overlaps.
function spans(text, terms) {
  const found = [];
  const sorted = [...terms].sort((a, b) => b.target.length - a.target.length);
  for (const term of sorted) {
    if (!term.target) continue;
    let at = text.indexOf(term.target);
    while (at >= 0) {
      const end = at + term.target.length;
      if (!found.some((s) => at < s.end && s.start < end)) found.push({ start: at, end, term });
      at = text.indexOf(term.target, end);
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

function show(text, terms) {
  const box = $("result");
  box.replaceChildren();
  let position = 0;
  for (const span of spans(text, terms)) {
    box.appendChild(document.createTextNode(text.slice(position, span.start)));
    const t = span.term;
    box.appendChild(el("mark", text.slice(span.start, span.end), {
      class: "term", "data-concept": t.concept,
      title: t.concept + " — " + t.term_en + " (source: " + t.surface + ")" }));
    position = span.end;
  }
  box.appendChild(document.createTextNode(text.slice(position)));
  const rows = $("terms");
  rows.replaceChildren();
  for (const t of terms) {
    const row = el("tr");
    row.appendChild(el("td", t.concept, { class: "concept", title: t.term_en }));
    row.appendChild(el("td", t.surface));
    row.appendChild(el("td", t.target));
    rows.appendChild(row);
  }
}

async function translate() {
  const button = $("go");
  button.disabled = true;
  $("error").textContent = "";
  $("status").textContent = "translating…";
  document.body.dataset.state = "busy";
  try {
    const body = { q: $("q").value, source: $("source").value, target: $("target").value,
                   format: "text", glossary: $("glossary").value };
    if (state.keyRequired) body.api_key = $("key").value;
    const data = await api("/translate", body);
    show(data.translatedText, data.terms || []);
    const status = $("status");
    status.className = data.status || "";
    let line = "status: " + (data.status || "?");
    if (data.detectedLanguage) line += " · detected " + data.detectedLanguage.language;
    status.textContent = line;
    status.title = (data.notes || []).join("\\n");
    document.body.dataset.state = "done";
  } catch (error) {
    $("status").textContent = "";
    $("error").textContent = error.message;
    document.body.dataset.state = "error";
  } finally {
    button.disabled = false;
  }
}

async function lookup() {
  const box = $("lookup-result");
  box.replaceChildren();
  const query = $("lookup-q").value.trim();
  if (!query) return;
  try {
    const params = new URLSearchParams({ q: query });
    if (state.keyRequired) params.set("api_key", $("key").value);
    const records = await api("/glossary/lookup?" + params.toString());
    for (const record of records) {
      if (record.found === false) { box.appendChild(el("p", "no match for " + query)); continue; }
      if (record.suggestion) {
        box.appendChild(el("p", "did you mean " + record.suggestion + " → " + record.concept));
        continue;
      }
      box.appendChild(el("p", record.concept + ": " + record.term_en, { class: "concept",
                                                                      title: record.definition }));
      const table = el("table");
      for (const term of record.terms) {
        const row = el("tr");
        row.appendChild(el("td", term.lang));
        row.appendChild(el("td", term.status));
        row.appendChild(el("td", term.text));
        table.appendChild(row);
      }
      box.appendChild(table);
    }
    document.body.dataset.lookup = "done";
  } catch (error) {
    box.appendChild(el("p", error.message, { class: "error" }));
  }
}

async function start() {
  const params = new URLSearchParams(location.search);
  try {
    const [settings, languages] = await Promise.all([api("/frontend/settings"),
                                                     api("/languages")]);
    state.keyRequired = settings.keyRequired;
    $("keybox").classList.toggle("hidden", !settings.keyRequired);
    const names = languages.map((l) => [l.code, l.name]);
    fill($("source"), [["auto", "Auto Detect"], ...names],
         params.get("source") || settings.language.source.code);
    const targets = new Set(languages.flatMap((l) => l.targets));
    fill($("target"), names.filter(([code]) => targets.has(code)),
         params.get("target") || settings.language.target.code);
  } catch (error) {
    $("error").textContent = error.message;
  }
  if (params.has("q")) $("q").value = params.get("q");
  if (params.has("glossary")) $("glossary").value = params.get("glossary");
  if (params.has("key")) $("key").value = params.get("key");
  $("go").addEventListener("click", translate);
  $("lookup-go").addEventListener("click", lookup);
  $("lookup-q").addEventListener("keydown", (e) => { if (e.key === "Enter") lookup(); });
  if (params.has("lookup")) { $("lookup-q").value = params.get("lookup"); await lookup(); }
  if (params.get("auto") === "1") await translate();
}
start();
</script>
</body>
</html>
"""
