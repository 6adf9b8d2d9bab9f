// kbgen contact form (theme/kbgen-contactpage.html): suggests up to three articles while the
// customer types (the site's static search) with an instant answer above them when one passage
// answers the question (search-answer.js: its "Ja" counts as the article's vote), shows what of the visit is sent along ("Wird
// mitgesendet", from visit.js; each item removable) and sends the request to the collector,
// which answers with a reference. Without a collector (or when it cannot be reached) the form
// opens a prefilled e-mail instead; without JavaScript the page shows the channel list only.
// Typed text is kept in sessionStorage, so opening a suggestion and coming back loses nothing.
// Everything shown is set with textContent.
import { createSearch } from "./search.js";

const DRAFT = "kbgen-contact-draft";
const DEBOUNCE_MS = 350;
const SUGGESTIONS = 3;
const MAILTO_MAX = 1800; // characters of a mailto: URL every mail program opens

const visit = () => window.kbgenVisit;

function store(key, value) {
  try {
    if (value === null) sessionStorage.removeItem(key);
    else sessionStorage.setItem(key, JSON.stringify(value));
  } catch {
    // blocked storage: the draft lives as long as the page
  }
}
function restore(key) {
  try {
    return JSON.parse(sessionStorage.getItem(key)) || {};
  } catch {
    return {};
  }
}

// "jetzt erreichbar" / "ab Mo 8 Uhr": hours like "Mo-Fr 08:00-20:00" in the configured zone.
const DAYS = ["so", "mo", "di", "mi", "do", "fr", "sa"];
const EN_DAYS = ["su", "mo", "tu", "we", "th", "fr", "sa"];
function dayIndex(name) {
  const d = name.slice(0, 2).toLowerCase();
  const i = DAYS.indexOf(d);
  return i >= 0 ? i : EN_DAYS.indexOf(d);
}
export function parseHours(rules) {
  const open = []; // [day, fromMinute, toMinute]
  for (const rule of rules) {
    const m = /^\s*([A-Za-z]{2})(?:\s*-\s*([A-Za-z]{2}))?\s+(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$/.exec(rule);
    if (!m) continue;
    const first = dayIndex(m[1]);
    const last = m[2] ? dayIndex(m[2]) : first;
    if (first < 0 || last < 0) continue;
    for (let d = first; ; d = (d + 1) % 7) {
      open.push([d, +m[3] * 60 + +m[4], +m[5] * 60 + +m[6]]);
      if (d === last) break;
    }
  }
  return open;
}
function zoned(now, timeZone) {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone, weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(now);
  const get = (type) => parts.find((p) => p.type === type)?.value || "";
  return { day: EN_DAYS.indexOf(get("weekday").slice(0, 2).toLowerCase()), minute: +get("hour") * 60 + +get("minute") };
}
/** {open: true} now, or the next opening {day, minute}; null without usable hours. */
export function availability(rules, timeZone, now = new Date()) {
  const open = parseHours(rules);
  if (!open.length) return null;
  const { day, minute } = zoned(now, timeZone);
  if (open.some(([d, from, to]) => d === day && minute >= from && minute < to)) return { open: true };
  for (let ahead = 0; ahead <= 7; ahead++) {
    const d = (day + ahead) % 7;
    const starts = open.filter(([od, from]) => od === d && (ahead > 0 || from > minute)).map(([, from]) => from);
    if (starts.length) return { open: false, day: d, minute: Math.min(...starts) };
  }
  return null;
}
function showAvailability(el, strings) {
  let rules = [];
  try {
    rules = JSON.parse(el.dataset.hours || "[]");
  } catch {
    return;
  }
  const state = availability(rules, el.dataset.tz || undefined);
  if (!state) return;
  const names = (strings.days || "").split(",");
  if (state.open) {
    el.textContent = strings.open_now;
    el.classList.add("kbgen-contact__open--now");
  } else {
    const h = Math.floor(state.minute / 60);
    const m = state.minute % 60;
    const time = m ? `${h}:${String(m).padStart(2, "0")}` : String(h);
    el.textContent = strings.open_from.replace("{day}", names[state.day] || "").replace("{time}", time);
  }
}

function contextItems(ctx, strings) {
  const titles = new Map((ctx.articles || []).map((a) => [a.id, a.title || a.id]));
  const items = [];
  (ctx.searches || []).forEach((s, i) => items.push({ kind: "search", index: i, label: strings.search, text: `„${s.q}“` }));
  (ctx.articles || []).forEach((a, i) => items.push({ kind: "article", index: i, label: strings.article, text: a.title || a.id }));
  (ctx.votes || []).forEach((v, i) =>
    items.push({ kind: "vote", index: i, label: strings.vote, text: `${titles.get(v.id) || v.id}: ${v.value === "yes" ? strings.vote_yes : strings.vote_no}` }));
  (ctx.assistant || []).forEach((t, i) => items.push({ kind: "assistant", index: i, label: strings.assistant, text: t.text }));
  if (ctx.referrer) items.push({ kind: "referrer", index: 0, label: strings.referrer, text: ctx.referrer });
  return items;
}

function mailtoUrl(email, subject, body) {
  const url = (b) => `mailto:${email}?subject=${encodeURIComponent(subject)}&body=${encodeURIComponent(b)}`;
  let text = body;
  while (url(text).length > MAILTO_MAX && text.length > 20) text = text.slice(0, Math.floor(text.length * 0.9)) + " …";
  return url(text);
}

const pageStrings = () => JSON.parse(document.querySelector(".kbgen-contact__strings")?.textContent || "{}");

function setup(form) {
  const strings = pageStrings();
  const { service, tokenPath, contactPath, email, lang } = form.dataset;
  const base = form.dataset.base || ".";
  const root = new URL(base.endsWith("/") ? base : base + "/", location.href);
  // The export's folder comes from the page (kbgen/paths.py SEARCH_EXPORT via data-index).
  const index = new URL(`${form.dataset.index}/`, root).href;
  const client = createSearch({ baseUrl: index });
  // Instant answers: their module and passage files load with the first question, not the page.
  let answering = null;
  const findAnswer = (q) => {
    answering ||= import("./search-answer.js")
      .then((m) => m.answers({ root, index, lang, votesUrl: form.dataset.votesUrl, texts: form.dataset }))
      .catch(() => null);
    return answering.then((a) => (a ? a.find(q).then((found) => found && a.card(found, { compact: true })) : null));
  };
  const field = (name) => form.elements.namedItem(name);
  const status = form.querySelector(".kbgen-contact__status");
  const suggestions = form.querySelector(".kbgen-contact__suggestions");
  const list = form.querySelector(".kbgen-contact__context-list");
  const removeAll = form.querySelector(".kbgen-contact__remove-all");
  const button = form.querySelector("button[type=submit]");
  let removedReferrer = false;
  button.disabled = false;
  visit()?.record("contact_view");

  // Typed text survives leaving the page (e.g. to read a suggestion) and coming back.
  const kept = ["topic", "subject", "message", "email", "name", "order"];
  const draft = restore(DRAFT);
  const topic = (draft.topic || new URLSearchParams(location.search).get("topic") || "").slice(0, 200);
  if (topic && field("topic") && ![...field("topic").options].some((o) => o.value === topic)) {
    field("topic").add(new Option(topic, topic)); // an article as the topic (its contact block)
  }
  for (const name of kept) if (field(name) && draft[name]) field(name).value = draft[name];
  if (topic && field("topic")) field("topic").value = topic;
  const saveDraft = () => store(DRAFT, Object.fromEntries(kept.filter((n) => field(n)).map((n) => [n, field(n).value])));
  form.addEventListener("input", saveDraft);

  // Up to three articles that may already answer the question, while typing, and the answer
  // itself when one passage is sure enough. Both are shown in one update: the box grows once.
  let timer = 0;
  let asked = "";
  const suggest = async () => {
    const q = [field("subject")?.value || "", field("message").value].join(" ").trim().slice(0, 300);
    if (q === asked) return;
    asked = q;
    if (q.length < 3) {
      suggestions.replaceChildren();
      suggestions.hidden = true;
      return;
    }
    const [hits, answer] = await Promise.all([
      client.query(q, { lang, limit: SUGGESTIONS }).then(
        (res) => res.results.slice(0, SUGGESTIONS),
        () => [], // no index (e.g. search disabled): no suggestions
      ),
      findAnswer(q),
    ]);
    if (asked !== q) return;
    suggestions.hidden = !hits.length && !answer;
    if (!hits.length) return suggestions.replaceChildren(...(answer ? [answer] : []));
    const heading = document.createElement("p");
    heading.className = "kbgen-contact__suggestions-title";
    heading.textContent = strings.suggestions;
    const ul = document.createElement("ul");
    for (const hit of hits) {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = new URL(hit.url, root).href;
      a.textContent = hit.title;
      a.addEventListener("click", () => visit()?.record("suggestion", { id: hit.id }));
      li.append(a);
      ul.append(li);
    }
    suggestions.replaceChildren(...(answer ? [answer] : []), heading, ul);
  };
  for (const name of ["subject", "message"]) {
    field(name)?.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(suggest, DEBOUNCE_MS);
    });
  }
  if (field("message").value || field("subject")?.value) suggest();

  // "Wird mitgesendet": what visit.js recorded, each item removable before sending.
  const context = () => {
    const ctx = visit()?.context() || { searches: [], articles: [], votes: [], assistant: [], referrer: "" };
    if (removedReferrer) ctx.referrer = "";
    return ctx;
  };
  const renderContext = () => {
    const items = contextItems(context(), strings);
    list.replaceChildren(
      ...items.map((item) => {
        const li = document.createElement("li");
        const label = document.createElement("span");
        label.className = "kbgen-contact__context-kind";
        label.textContent = item.label + ": ";
        const text = document.createElement("span");
        text.textContent = item.text;
        const remove = document.createElement("button");
        remove.type = "button";
        remove.className = "kbgen-contact__remove";
        remove.textContent = strings.remove;
        remove.setAttribute("aria-label", `${strings.remove}: ${item.label} ${item.text}`);
        remove.addEventListener("click", () => {
          if (item.kind === "referrer") removedReferrer = true;
          else visit()?.forget(item.kind, item.index);
          renderContext();
          (list.querySelector("button") || removeAll || field("message")).focus();
        });
        li.append(label, text, " ", remove);
        return li;
      }),
    );
    const empty = form.querySelector(".kbgen-contact__context-empty");
    if (empty) empty.hidden = items.length > 0;
    if (removeAll) removeAll.hidden = items.length === 0;
  };
  removeAll?.addEventListener("click", () => {
    visit()?.clear();
    removedReferrer = true;
    renderContext();
    field("message").focus();
  });
  renderContext();

  const say = (text, link) => {
    status.replaceChildren(text);
    if (link) {
      const a = document.createElement("a");
      a.href = link;
      a.textContent = strings.mail_fallback;
      status.append(" ", a);
    }
  };
  const mailBody = () => {
    const lines = [field("message").value, ""];
    for (const name of ["name", "order", "topic"]) if (field(name)?.value) lines.push(`${strings["label_" + name]}: ${field(name).value}`);
    const items = contextItems(context(), strings);
    if (items.length) lines.push("", `${strings.context}:`, ...items.map((i) => `- ${i.label}: ${i.text}`));
    return lines.join("\n");
  };
  const mailto = () => mailtoUrl(email, field("subject")?.value || field("topic")?.value || strings.title, mailBody());

  let token = "";
  const fetchToken = async () => {
    const r = await fetch(service + tokenPath, { credentials: "omit" });
    if (!r.ok) throw Object.assign(new Error("token"), { status: r.status });
    token = (await r.json()).token;
  };
  const post = async () => {
    const ctx = context();
    const body = {
      lang,
      email: field("email").value.trim(),
      message: field("message").value,
      subject: field("subject")?.value || "",
      topic: field("topic")?.value || "",
      name: field("name")?.value || "",
      order: field("order")?.value || "",
      website: field("website")?.value || "",
      context: { lang: ctx.lang || lang, referrer: ctx.referrer || "", searches: ctx.searches, articles: ctx.articles, votes: ctx.votes, assistant: ctx.assistant },
      form_token: token,
    };
    return fetch(service + contactPath, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), credentials: "omit" });
  };

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!service) {
      if (email) location.href = mailto();
      return;
    }
    button.disabled = true;
    say(strings.sending);
    let response;
    try {
      if (!token) await fetchToken();
      response = await post();
      if (response.status === 403) {
        await fetchToken(); // expired (the page stood open for hours): once more with a fresh one
        response = await post();
      }
    } catch {
      response = null;
    }
    button.disabled = false;
    if (response && response.status === 201) {
      const { reference } = await response.json();
      say(strings.sent.replace("{reference}", reference));
      visit()?.record("contact_sent", { ref: reference });
      store(DRAFT, null);
      form.reset();
      suggestions.replaceChildren();
      suggestions.hidden = true;
      form.querySelector(".kbgen-contact__fields").hidden = true;
      status.focus();
      return;
    }
    const text = response && response.status === 429 ? strings.rate_limited : strings.error;
    say(text, email ? mailto() : "");
  });
}

document.querySelectorAll("form[data-kbgen-contact]").forEach(setup);
document.querySelectorAll("[data-kbgen-open]").forEach((el) => showAvailability(el, pageStrings()));
