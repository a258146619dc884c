// hindsight search page: Pagefind's browser API over the index `hindsight build` wrote
// under pagefind/. Everything is loaded from this site (no other host), from files only
// (no inline script, no eval: a strict Content-Security-Policy needs only
// script-src 'self' 'wasm-unsafe-eval' and worker-src 'self').
//
// Results appear as the user types, ranked by Pagefind, with the matching words marked;
// the filters (root cause, service, severity, year) come from the index, which `hindsight
// build` makes from the site model. The last search's duration, measured around
// pagefind.search() with performance.now(), is kept in data-last-search-ms for tests.

const FILTERS = [
  ["root cause", "Root cause"],
  ["service", "Service"],
  ["severity", "Severity"],
  ["year", "Year"],
];
const PAGE_SIZE = 10;
const DEBOUNCE_MS = 40;

const app = document.getElementById("search-app");
const form = document.querySelector("[data-search-form]");
const input = document.getElementById("search-q");
const filtersForm = app && app.querySelector("[data-search-filters]");
const statusLine = document.getElementById("search-status");
const list = document.getElementById("search-results");
const more = app && app.querySelector(".search-more");
const moreButton = app && app.querySelector("[data-search-more]");
const errorBox = document.querySelector("[data-search-error]");

let pagefind = null;
let totals = {};
let generation = 0;
let shown = 0;
let current = [];
let timer = null;

function showError(message) {
  if (!errorBox) return;
  errorBox.textContent = message;
  errorBox.hidden = false;
}

function plural(n, one, many) {
  return n === 1 ? one : many;
}

// Pagefind's excerpts are escaped text with <mark> around the matches; keep exactly
// that and nothing else.
function appendExcerpt(parent, html) {
  const doc = new DOMParser().parseFromString(`<p>${html}</p>`, "text/html");
  for (const node of doc.body.firstChild ? doc.body.firstChild.childNodes : []) {
    if (node.nodeType === Node.ELEMENT_NODE && node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      parent.append(mark);
    } else {
      parent.append(document.createTextNode(node.textContent));
    }
  }
}

function selectedFilters() {
  const selected = {};
  if (!filtersForm) return selected;
  for (const box of filtersForm.querySelectorAll("input[type=checkbox]:checked")) {
    const key = box.dataset.filter;
    (selected[key] = selected[key] || { any: [] }).any.push(box.value);
  }
  return selected;
}

function sortedValues(key, counts) {
  const values = Object.keys(counts);
  if (key === "year") return values.sort((a, b) => b.localeCompare(a));
  return values.sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
}

function buildFilters(all) {
  filtersForm.querySelector("[data-search-filters-loading]")?.remove();
  for (const [key, label] of FILTERS) {
    const counts = all[key];
    if (!counts || Object.keys(counts).length === 0) continue;
    const fieldset = document.createElement("fieldset");
    fieldset.className = "search-filter";
    const legend = document.createElement("legend");
    legend.textContent = label;
    fieldset.append(legend);
    const options = document.createElement("div");
    options.className = "search-filter-options";
    for (const value of sortedValues(key, counts)) {
      const option = document.createElement("label");
      option.className = "search-filter-option";
      const box = document.createElement("input");
      box.type = "checkbox";
      box.value = value;
      box.dataset.filter = key;
      const name = document.createElement("span");
      name.textContent = value;
      const count = document.createElement("span");
      count.className = "search-filter-count";
      count.dataset.count = "";
      count.textContent = String(counts[value]);
      option.append(box, name, count);
      options.append(option);
    }
    fieldset.append(options);
    filtersForm.append(fieldset);
  }
  filtersForm.addEventListener("change", () => schedule(0));
}

function updateCounts(counts) {
  if (!filtersForm) return;
  for (const box of filtersForm.querySelectorAll("input[type=checkbox]")) {
    const n = counts?.[box.dataset.filter]?.[box.value] ?? 0;
    const option = box.closest("label");
    option.querySelector("[data-count]").textContent = String(n);
    option.classList.toggle("is-empty", n === 0 && !box.checked);
  }
}

function metaLine(data) {
  const meta = document.createElement("p");
  meta.className = "search-result-meta";
  const severity = data.meta.severity;
  if (severity) {
    const badge = document.createElement("span");
    const rank = /(\d+)$/.exec(severity);
    badge.className = rank ? `badge sev sev-${rank[1]}` : "badge sev";
    badge.textContent = severity;
    meta.append(badge, " ");
  }
  const parts = [data.meta.date, data.meta.root_cause].filter(Boolean);
  meta.append(document.createTextNode(parts.join(" · ")));
  return meta;
}

async function showMore(mine) {
  const slice = current.slice(shown, shown + PAGE_SIZE);
  const loaded = await Promise.all(slice.map((result) => result.data()));
  if (mine !== generation) return;
  for (const data of loaded) {
    const item = document.createElement("li");
    item.className = "search-result";
    const title = document.createElement("a");
    title.className = "search-result-title";
    title.href = data.url;
    title.textContent = data.meta.title || data.url;
    const heading = document.createElement("h2");
    heading.append(title);
    const excerpt = document.createElement("p");
    excerpt.className = "search-result-excerpt";
    appendExcerpt(excerpt, data.excerpt || "");
    item.append(heading, metaLine(data), excerpt);
    list.append(item);
  }
  shown += slice.length;
  more.hidden = shown >= current.length;
}

async function run() {
  const mine = ++generation;
  const term = input.value.trim();
  const filters = selectedFilters();
  const filtering = Object.keys(filters).length > 0;
  const url = new URL(location.href);
  if (term) url.searchParams.set("q", term);
  else url.searchParams.delete("q");
  history.replaceState(null, "", url);
  if (!term && !filtering) {
    list.replaceChildren();
    more.hidden = true;
    statusLine.textContent = "Type a word: a service, an error, a symptom.";
    updateCounts(totals);
    delete app.dataset.lastQuery;
    return;
  }
  const started = performance.now();
  const search = await pagefind.search(term || null, { filters });
  const elapsed = performance.now() - started;
  if (mine !== generation) return;
  app.dataset.lastSearchMs = elapsed.toFixed(2);
  app.dataset.lastQuery = term;
  current = search.results;
  shown = 0;
  list.replaceChildren();
  updateCounts(search.filters);
  const n = current.length;
  const what = term ? ` for “${term}”` : "";
  statusLine.textContent = n === 0
    ? `No postmortem matches${what}${filtering ? " with these filters" : ""}.`
    : `${n} ${plural(n, "postmortem", "postmortems")}${what}, best match first.`;
  await showMore(mine);
  if (mine === generation) app.dataset.ready = String(mine);
}

function schedule(delay) {
  clearTimeout(timer);
  timer = setTimeout(() => {
    run().catch((error) => showError(`Search failed: ${error}`));
  }, delay);
}

async function start() {
  if (!app || !input) return;
  app.hidden = false;
  const bundle = app.dataset.pagefind;
  try {
    pagefind = await import(`${bundle}pagefind.js`);
    await pagefind.options({ excerptLength: 24 });
    await pagefind.init();
    totals = await pagefind.filters();
  } catch (error) {
    app.hidden = true;
    showError(`Search could not load its index from ${bundle} (${error}). Browse the postmortems from the menu instead.`);
    return;
  }
  buildFilters(totals);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    schedule(0);
  });
  input.addEventListener("input", () => {
    if (input.value.trim()) pagefind.preload(input.value.trim());
    schedule(DEBOUNCE_MS);
  });
  moreButton.addEventListener("click", () => {
    showMore(generation).catch((error) => showError(`Search failed: ${error}`));
  });
  const query = new URL(location.href).searchParams.get("q");
  if (query) input.value = query;
  app.dataset.loaded = "true";
  schedule(0);
  if (!query) input.focus();
}

start();
