// kbgen instant answers: the answer card shown above search results (results page and the
// search box's panel). The passage comes from the static passage export (…/search/passages/)
// through the same client as articles, so it equals `kbgen answer` and GET /api/answer.
// Texts come from data-search-* attributes; the passage's HTML was sanitised at build time and
// is rebuilt here from an allowlist again, node by node (never assigned as innerHTML).
import { createSearch } from "./search.js";
import { el } from "./dom.js";

const TAGS = new Set(["p", "ul", "ol", "li", "strong", "em", "b", "i", "a", "code", "br", "kbd",
  "table", "thead", "tbody", "tr", "th", "td", "blockquote", "pre", "span", "small", "sup", "sub", "mark"]);

/** A DOM fragment from passage HTML: allowed tags and safe links only, the rest as text. */
export function safeFragment(html, resolve) {
  const doc = new DOMParser().parseFromString(`<body>${html}</body>`, "text/html");
  const copy = (from, to) => {
    for (const node of from.childNodes) {
      if (node.nodeType === 3) to.append(node.textContent);
      else if (node.nodeType === 1) {
        const tag = node.tagName.toLowerCase();
        if (!TAGS.has(tag)) { copy(node, to); continue; }
        const out = document.createElement(tag);
        if (tag === "a") {
          const href = node.getAttribute("href") || "";
          const url = resolve(href);
          if (url) out.setAttribute("href", url);
        }
        copy(node, out);
        to.append(out);
      }
    }
  };
  const frag = document.createDocumentFragment();
  copy(doc.body, frag);
  return frag;
}

/**
 * answers({ root, index, lang, votesUrl, texts }) → { find(q), card(answer, { compact }), candidates(q) }.
 * `index` is the search export's URL (ending in "/"; the page's data-index under `root`).
 * `find` resolves to null when there is no passage export or no confident answer.
 */
export function answers({ root, index, lang, votesUrl, texts: t }) {
  const client = createSearch({ baseUrl: new URL("passages/", index).href });
  const resolve = (href) => {
    if (!href || /^(javascript|data|vbscript):/i.test(href.trim())) return "";
    try { return new URL(href, root).href; } catch { return ""; }
  };
  const voted = new Set();
  const seen = new Set(); // passages already counted as shown on this page
  const passageId = (p) => p.id.replace(/#$/, ""); // the lead answer's id is the article's
  const record = (kind, data) => { try { window.kbgenVisit?.record(kind, data); } catch { /* optional */ } };

  async function find(q) {
    // One word is a keyword, never an answer (confidence 0): load nothing for it.
    if ((String(q).match(/[\p{L}\p{N}]+/gu) || []).length < 2) return null;
    try {
      const a = await client.answer(q, { lang });
      return a.shown && a.best ? a : null;
    } catch {
      return null; // no passage export (older build) or offline: results only
    }
  }

  /** The best passage and its alternatives, however sure (the assistant asks back). */
  async function candidates(q) {
    try {
      const a = await client.answer(q, { lang });
      return a.best ? [a.best, ...a.alternatives] : [];
    } catch {
      return [];
    }
  }

  function vote(best, value, where) {
    const article = best.id.split("#")[0];
    if (voted.has(article)) return;
    voted.add(article);
    if (value === "yes") record("answer", { id: passageId(best), helpful: true });
    where.replaceChildren(el("span", { text: value === "yes" ? t.searchAnswerThanks : t.searchAnswerSorry }));
    if (!votesUrl) return;
    fetch(votesUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ article, lang: best.lang, rev: "", value, via: "answer" }),
      credentials: "omit",
      keepalive: true,
    }).catch(() => {});
  }

  function card(a, { compact = false } = {}) {
    const best = a.best;
    if (!seen.has(best.id)) { seen.add(best.id); record("answer", { id: passageId(best), shown: true }); }
    const id = `kbs-answer-${Math.random().toString(36).slice(2, 8)}`;
    const feedback = el("p", { class: "kbs-answer__vote" }, el("span", { text: t.searchAnswerHelpful }), " ");
    for (const [value, label] of [["yes", t.searchAnswerYes], ["no", t.searchAnswerNo]]) {
      const b = el("button", { type: "button", class: "kbs-answer__button", text: label });
      b.addEventListener("mousedown", (e) => e.preventDefault()); // keep the search box open
      b.addEventListener("click", () => vote(best, value, feedback));
      feedback.append(b, " ");
    }
    const body = el("div", { class: "kbs-answer__body" }, safeFragment(best.html || best.snippet, resolve));
    return el("section", { class: `kbs-answer${compact ? " kbs-answer--compact" : ""}`, "aria-labelledby": id },
      el("p", { class: "kbs-answer__label", text: t.searchAnswerLabel }),
      el(compact ? "p" : "h2", { class: "kbs-answer__question", id, text: best.title }),
      body,
      el("a", { class: "kbs-answer__more", href: new URL(best.url, root).href, text: t.searchAnswerMore }),
      feedback);
  }

  return { find, card, candidates };
}
