// kbgen, several languages: the switcher keeps the search query, and a search that finds
// nothing in this page's language offers the hits in the other languages. Everything shown
// is text (textContent); nothing is fetched from another origin.
import { createSearch } from "./search.js";

const fmt = (template, values) =>
  String(template || "").replace(/\{(\w+)\}/g, (m, k) => (k in values ? String(values[k]) : m));
const query = () => new URLSearchParams(location.search).get("q") || "";

// On the search page a language link carries the query along (read when it is followed, so a
// query typed after the page loaded counts too).
for (const link of document.querySelectorAll("a[data-kb-keep-query]")) {
  link.addEventListener("click", () => {
    const q = query().trim();
    const url = new URL(link.href);
    if (q) url.searchParams.set("q", q);
    else url.searchParams.delete("q");
    link.href = url.href;
  });
}

const offer = document.querySelector("[data-kb-otherlangs]");
const results = document.querySelector("[data-kbs-results]");
const empty = results?.querySelector(".kbs-page__empty");
if (offer && results && empty) {
  const base = results.dataset.base || ".";
  const root = new URL(base.endsWith("/") ? base : base + "/", location.href);
  const client = createSearch({ baseUrl: new URL(`${results.dataset.index}/`, root).href });
  let seq = 0;
  const update = async () => {
    const q = query().trim();
    const mine = ++seq;
    const nothing = q && !empty.hidden; // search-ui.js shows .kbs-page__empty for zero hits
    let shown = 0;
    for (const link of offer.querySelectorAll("a[data-lang]")) {
      const line = link.parentElement;
      line.hidden = true;
      if (!nothing) continue;
      let total = 0;
      try {
        total = (await client.query(q, { lang: link.dataset.lang, limit: 1 })).total;
      } catch {
        total = 0;
      }
      if (mine !== seq) return;
      if (!total) continue;
      const url = new URL(link.href);
      url.searchParams.set("q", q);
      link.href = url.href;
      link.textContent = fmt(total === 1 ? offer.dataset.one : offer.dataset.many, { count: total, language: link.dataset.name });
      line.hidden = false;
      shown += 1;
    }
    if (mine === seq) offer.hidden = !shown;
  };
  // search-ui.js rewrites the status line after every search: look again then.
  const status = results.querySelector(".kbs-page__status");
  const watch = new MutationObserver(update);
  watch.observe(empty, { attributes: true, attributeFilter: ["hidden"] });
  if (status) watch.observe(status, { childList: true, characterData: true, subtree: true });
  update();
}
