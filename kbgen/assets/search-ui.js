// kbgen search UI: the search box as a combobox with live results, and the results page
// /search/?q=… . All text comes from data-search-* attributes rendered by the theme partials;
// everything shown is built with textContent (never innerHTML with data).
import { createSearch } from "./search.js";
import { el } from "./dom.js";

const DEBOUNCE_MS = 150;
const ZERO_REPORT_MS = 2000; // report a zero-result search only once the visitor stopped typing
const BOX_LIMIT = 6;
const PAGE_STEP = 20;

const forms = [...document.querySelectorAll("form[data-kbs]")];
const page = document.querySelector("[data-kbs-results]");
const host = page || forms[0];
let uid = 0;

const fmt = (template, values) =>
  String(template || "").replace(/\{(\w+)\}/g, (m, k) => (k in values ? String(values[k]) : m));

/** Text with <mark> around the given [start, end) ranges; strings become text nodes. */
function marked(text, ranges) {
  const frag = document.createDocumentFragment();
  let at = 0;
  for (const [a, b] of ranges || []) {
    if (a < at) continue;
    frag.append(text.slice(at, a), el("mark", { text: text.slice(a, b) }));
    at = b;
  }
  frag.append(text.slice(at));
  return frag;
}

// The answer assistant: the launcher shows once scripts run; assistant.js loads on first use.
for (const launcher of document.querySelectorAll("[data-kba]")) {
  launcher.hidden = false;
  launcher.setAttribute("aria-haspopup", "dialog");
  launcher.setAttribute("aria-expanded", "false");
  launcher.addEventListener("click", () => {
    import("./assistant.js").then((m) => m.open(launcher)).catch(() => {});
  });
}

if (host) {
  // base_url is "." or ".." on pages, "/" on the 404 page (served at any path).
  const base = host.dataset.base || ".";
  const root = new URL(base.endsWith("/") ? base : base + "/", location.href);
  // The export's folder comes from the page (kbgen/paths.py SEARCH_EXPORT via data-index).
  const index = new URL(`${host.dataset.index}/`, root).href;
  const client = createSearch({ baseUrl: index });
  const lang = host.dataset.lang || undefined;
  const zero = zeroReporter(host.dataset.zeroUrl, lang);
  const searchPage = (q) => {
    // The form's action is the search page of this page's language (and URL style).
    const url = new URL(forms[0]?.getAttribute("action") || "search/", forms[0] ? location.href : root);
    if (q) url.searchParams.set("q", q);
    return url.href;
  };
  const hitUrl = (hit) => new URL(hit.url, root).href;
  // Instant answers: their module and files load with the first query, never with the page.
  let answering = null;
  const findAnswer = (q, texts) => {
    answering ||= import("./search-answer.js")
      .then((m) => m.answers({ root, index, lang, votesUrl: host.dataset.votesUrl, texts }))
      .catch(() => null);
    return answering.then((a) => (a ? a.find(q).then((found) => found && { found, card: a.card }) : null));
  };
  if (page) setupPage(page, forms, { client, lang, zero, hitUrl, findAnswer });
  else for (const form of forms) setupBox(form, { client, lang, zero, hitUrl, searchPage, findAnswer });
}

function zeroReporter(url, lang) {
  let timer = 0;
  const sent = new Set();
  const send = (q) => {
    const query = q.trim();
    const key = query.toLowerCase();
    if (!url || !query || sent.has(key)) return;
    sent.add(key);
    fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ query, lang }),
      credentials: "omit",
      keepalive: true,
    }).catch(() => {});
  };
  return {
    later(q) { clearTimeout(timer); timer = setTimeout(() => send(q), ZERO_REPORT_MS); },
    now(q) { clearTimeout(timer); send(q); },
    cancel() { clearTimeout(timer); },
  };
}

function setupBox(form, { client, lang, zero, hitUrl, searchPage, findAnswer }) {
  const t = form.dataset;
  const input = form.querySelector(".kbs__input");
  const panel = form.querySelector(".kbs__panel");
  const list = form.querySelector(".kbs__list");
  const status = form.querySelector(".kbs__status");
  if (!input || !panel || !list) return;
  const id = `kbs${++uid}`;
  list.id = `${id}-list`;
  Object.entries({
    role: "combobox", "aria-autocomplete": "list", "aria-expanded": "false",
    "aria-controls": list.id, "aria-describedby": `${id}-hint`,
  }).forEach(([k, v]) => input.setAttribute(k, v));
  form.append(el("span", { id: `${id}-hint`, class: "kbs__sr", text: t.searchKeyboardHint || "" }));
  let timer = 0, seq = 0, active = -1, options = [];

  const open = (yes) => {
    if (yes) form.style.setProperty("--kbs-panel-top", `${Math.round(input.getBoundingClientRect().bottom + 4)}px`);
    panel.hidden = !yes;
    input.setAttribute("aria-expanded", String(yes));
    if (!yes) select(-1);
  };
  function select(i) {
    options.forEach((o, n) => o.setAttribute("aria-selected", String(n === i)));
    active = i;
    if (i >= 0) {
      input.setAttribute("aria-activedescendant", options[i].id);
      options[i].scrollIntoView({ block: "nearest" });
    } else input.removeAttribute("aria-activedescendant");
  }
  function option(n, content, action) {
    const li = el("li", { id: `${id}-o${n}`, role: "option", class: "kbs__option", "aria-selected": "false" }, ...[].concat(content));
    li.kbsAction = action;
    li.addEventListener("mousedown", (e) => e.preventDefault()); // keep focus in the input
    li.addEventListener("click", () => action());
    return li;
  }
  const go = (href) => () => { location.href = href; };

  const answerSlot = el("div", { class: "kbs__answer" });
  panel.prepend(answerSlot);

  // Several languages: [{lang, name, url}] of the others' search pages (the partial's data).
  let others = [];
  try { others = JSON.parse(t.kbsOthers || "[]"); } catch { others = []; }
  /** Where this language finds nothing: the hits in each other language that has some. */
  const elsewhere = (q) => Promise.all(others.map((o) =>
    client.query(q, { lang: o.lang, limit: 1 }).then((r) => ({ ...o, total: r.total }), () => ({ ...o, total: 0 })),
  )).then((found) => found.filter((o) => o.total > 0));

  function render(q, res, suggestion, answer, abroad = []) {
    list.replaceChildren();
    answerSlot.replaceChildren(answer ? answer.card(answer.found, { compact: true }) : "");
    options = [];
    if (res.corrected) {
      const [before, after] = fmt(t.searchCorrected, { query: "\u0000" }).split("\u0000");
      list.append(el("li", { class: "kbs__corrected", role: "presentation" }, before, el("em", { text: res.corrected }), after));
    }
    for (const hit of res.results) {
      const content = [el("span", { class: "kbs__title" }, marked(hit.title, hit.titleMarks))];
      if (hit.category) content.push(el("span", { class: "kbs__meta", text: hit.category }));
      options.push(option(options.length, content, () => { window.kbgenVisit && kbgenVisit.record("result", { q, rank: res.results.indexOf(hit) + 1, id: hit.id }); go(hitUrl(hit))(); }));
    }
    if (suggestion) {
      const [before, after] = fmt(t.searchDidYouMean, { suggestion: "\u0000" }).split("\u0000");
      options.push(option(options.length, [before, el("strong", { text: suggestion }), after], () => {
        input.value = suggestion;
        run();
      }));
    }
    if (!res.total) list.append(el("li", { class: "kbs__empty", role: "presentation", text: fmt(t.searchNoResults, { query: q.trim() }) }));
    const offer = (o) => fmt(o.total === 1 ? t.otherlangOne : t.otherlangMany, { count: o.total, language: o.name });
    for (const o of abroad) {
      const url = new URL(o.url, location.href);
      url.searchParams.set("q", q.trim());
      const text = offer(o);
      options.push(option(options.length, el("span", { class: "kbs__all", text }), go(url.href)));
    }
    options.push(option(options.length, el("span", { class: "kbs__all", text: fmt(t.searchAllResults, { query: q.trim() }) }), go(searchPage(q.trim()))));
    list.append(...options);
    select(-1); // the highlighted option was replaced: Enter must not open one nobody sees
    const shown = res.corrected || q.trim();
    status.textContent = res.total
      ? fmt(res.total === 1 ? t.searchCountOne : t.searchCountMany, { count: res.total, query: shown })
      : [fmt(t.searchNoResults, { query: q.trim() }), ...abroad.map(offer)].join(" ");
    open(true);
  }

  async function run() {
    const q = input.value;
    const mine = ++seq;
    if (q.trim().length < 2) { open(false); status.textContent = ""; zero.cancel(); return; }
    try {
      const [res, answer] = await Promise.all([
        client.query(q, { lang, prefix: true, limit: BOX_LIMIT }),
        findAnswer(q, t),
      ]);
      const suggestion = res.total || res.corrected ? null : await client.suggest(q, { lang });
      const abroad = res.total || !others.length ? [] : await elsewhere(q.trim());
      if (mine !== seq) return; // a newer keystroke won
      render(q, res, suggestion, answer, abroad);
      window.kbgenVisit && kbgenVisit.record("search", { q, results: res.total });
      if (res.total) zero.cancel(); else zero.later(q);
    } catch {
      if (mine === seq) { status.textContent = t.searchUnavailable || ""; open(false); }
    }
  }

  input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(run, DEBOUNCE_MS); });
  input.addEventListener("focus", () => { if (options.length && input.value.trim().length >= 2) open(true); });
  input.addEventListener("keydown", (e) => {
    const n = options.length;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      if (!n) return;
      e.preventDefault();
      if (panel.hidden) open(true);
      select(e.key === "ArrowDown" ? (active + 1) % n : (active - 1 + n) % n);
    } else if (e.key === "Enter" && !panel.hidden && active >= 0) {
      e.preventDefault();
      options[active].kbsAction();
    } else if (e.key === "Escape") {
      if (!panel.hidden) { e.preventDefault(); open(false); }
      else if (input.value) { e.preventDefault(); input.value = ""; status.textContent = ""; }
    }
  });
  form.addEventListener("focusout", (e) => { if (!form.contains(e.relatedTarget)) open(false); });
  form.addEventListener("submit", (e) => {
    if (!input.value.trim()) { e.preventDefault(); input.focus(); return; }
    zero.cancel();
  });
}

function setupPage(section, boxes, { client, lang, zero, hitUrl, findAnswer }) {
  const t = section.dataset;
  const answerSlot = section.querySelector(".kbs-page__answer");
  const status = section.querySelector(".kbs-page__status");
  const suggest = section.querySelector(".kbs-page__suggest");
  const filters = section.querySelector(".kbs-page__filters");
  const list = section.querySelector(".kbs-page__list");
  const more = section.querySelector(".kbs-page__more");
  const empty = section.querySelector(".kbs-page__empty");
  const inputs = boxes.map((f) => f.querySelector(".kbs__input")).filter(Boolean);
  const state = { q: "", cat: "", limit: PAGE_STEP, exact: false };
  let timer = 0, seq = 0;

  const readUrl = () => {
    const p = new URLSearchParams(location.search);
    state.q = p.get("q") || "";
    state.cat = p.get("cat") || "";
    state.exact = p.get("exact") === "1";
    state.limit = PAGE_STEP;
    for (const i of inputs) i.value = state.q;
  };
  const writeUrl = (push) => {
    const url = new URL(location.href);
    url.search = "";
    if (state.q.trim()) url.searchParams.set("q", state.q.trim());
    if (state.cat) url.searchParams.set("cat", state.cat);
    if (state.exact) url.searchParams.set("exact", "1");
    history[push ? "pushState" : "replaceState"](null, "", url);
  };

  function renderFilters(res) {
    filters.replaceChildren();
    const cats = res.categories.filter((c) => c.slug);
    filters.hidden = cats.length < 2 && !state.cat;
    if (filters.hidden) return;
    const all = cats.reduce((n, c) => n + c.count, 0);
    for (const c of [{ slug: "", title: t.searchFilterAll, count: all }, ...cats]) {
      const b = el("button", { type: "button", class: "kbs-page__filter", "aria-pressed": String(c.slug === state.cat) },
        c.title || c.slug, " ", el("span", { class: "kbs-page__count", text: `(${c.count})` }));
      b.addEventListener("click", () => { state.cat = c.slug; state.limit = PAGE_STEP; writeUrl(true); render(); });
      filters.append(b);
    }
  }

  function renderHits(res) {
    list.replaceChildren(...res.results.map((hit) => {
      const meta = [hit.category, hit.section].filter(Boolean).join(" › ");
      return el("li", { class: "kbs-page__hit" },
        el("a", { href: hitUrl(hit), class: "kbs-page__link" },
          el("span", { class: "kbs-page__title" }, marked(hit.title, hit.titleMarks))),
        meta ? el("p", { class: "kbs-page__meta", text: meta }) : "",
        hit.snippet ? el("p", { class: "kbs-page__snippet" }, marked(hit.snippet, hit.marks)) : "");
    }));
  }

  async function render(final = false) {
    const q = state.q;
    const mine = ++seq;
    if (!q.trim()) {
      status.textContent = t.searchPrompt || "";
      [suggest, filters, more, empty, answerSlot].forEach((n) => { if (n) n.hidden = true; });
      list.replaceChildren();
      return;
    }
    try {
      // The card and the results appear in one frame, so nothing moves once shown (CLS).
      const [res, answer] = await Promise.all([
        client.query(q, { lang, limit: state.limit, category: state.cat, exact: state.exact }),
        answerSlot && !state.cat ? findAnswer(q, t) : null,
      ]);
      const suggestion = res.corrected ? null : await client.suggest(q, { lang });
      if (mine !== seq) return;
      const total = res.categories.reduce((n, c) => n + c.count, 0);
      const shown = res.corrected || q.trim();
      status.textContent = !res.total
        ? fmt(t.searchNoResults, { query: shown })
        : state.cat
          ? fmt(t.searchCountFiltered, { count: res.total, total, query: shown })
          : fmt(res.total === 1 ? t.searchCountOne : t.searchCountMany, { count: res.total, query: shown });
      suggest.replaceChildren();
      suggest.hidden = !suggestion && !res.corrected;
      if (res.corrected) {
        // the corrected query, then a link searching the words as typed (exact=1)
        const [b1, a1] = fmt(t.searchCorrected, { query: "\u0000" }).split("\u0000");
        const [b2, a2] = fmt(t.searchOriginal, { query: "\u0000" }).split("\u0000");
        const link = el("a", { href: `?q=${encodeURIComponent(q.trim())}&exact=1`, class: "kbs-page__original", text: q.trim() });
        link.addEventListener("click", (e) => { e.preventDefault(); state.exact = true; state.limit = PAGE_STEP; writeUrl(true); render(true); });
        suggest.append(b1, el("em", { text: res.corrected }), a1, " ", b2, link, a2);
      } else if (suggestion) {
        const [before, after] = fmt(t.searchDidYouMean, { suggestion: "\u0000" }).split("\u0000");
        const link = el("a", { href: `?q=${encodeURIComponent(suggestion)}`, text: suggestion });
        link.addEventListener("click", (e) => { e.preventDefault(); state.q = suggestion; for (const i of inputs) i.value = suggestion; writeUrl(true); render(true); });
        suggest.append(before, link, after);
      }
      if (answerSlot) {
        answerSlot.replaceChildren(answer ? answer.card(answer.found) : "");
        answerSlot.hidden = !answer;
      }
      renderFilters(res);
      renderHits(res);
      window.kbgenVisit && kbgenVisit.record("search", { q, results: total, final });
      list.querySelectorAll("a").forEach((a, i) => a.addEventListener("click", () => window.kbgenVisit && kbgenVisit.record("result", { q, rank: i + 1, id: res.results[i].id })));
      more.hidden = res.total <= state.limit;
      empty.hidden = total > 0;
      if (total) zero.cancel(); else if (final) zero.now(q); else zero.later(q);
    } catch {
      if (mine === seq) status.textContent = t.searchUnavailable || "";
    }
  }

  for (const form of boxes) {
    const input = form.querySelector(".kbs__input");
    if (!input) continue;
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => { state.q = input.value; state.limit = PAGE_STEP; state.exact = false; writeUrl(false); render(); }, DEBOUNCE_MS);
    });
    input.addEventListener("keydown", (e) => { if (e.key === "Escape" && input.value) { input.value = ""; state.q = ""; writeUrl(false); render(); } });
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      clearTimeout(timer);
      state.q = input.value;
      state.limit = PAGE_STEP;
      state.exact = false;
      writeUrl(true);
      render(true);
    });
  }
  more.addEventListener("click", () => {
    const first = list.children.length;
    state.limit += PAGE_STEP;
    render().then(() => list.children[first]?.querySelector("a")?.focus());
  });
  addEventListener("popstate", () => { readUrl(); render(true); });
  readUrl();
  render(true);
}
