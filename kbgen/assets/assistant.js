// kbgen answer assistant ("Frage stellen" / "Ask a question"): a conversation panel that
// answers from the static passage index in the browser — no server, no third party. Loaded by
// search-ui.js on the first click of the launcher. The conversation lives in sessionStorage for
// this tab only; its questions, the answers given and how it ended go to the visit's record
// (window.kbgenVisit, visit.js), which the contact form shows and the self-service report counts. All texts come from data-search-assistant-*.
import { answers, safeFragment } from "./search-answer.js";
import { el } from "./dom.js";

const STORE = "kbgen-assistant";

export function open(launcher) {
  if (launcher.kbaPanel) { launcher.kbaPanel.show(); return; }
  const t = launcher.dataset;
  const base = t.base || ".";
  const root = new URL(base.endsWith("/") ? base : base + "/", location.href);
  const lang = t.lang || undefined;
  const api = answers({ root, index: new URL(`${t.index}/`, root).href, lang, votesUrl: "", texts: t });
  const resolve = (href) => (/^(javascript|data|vbscript):/i.test(href) ? "" : new URL(href, root).href);

  const log = el("div", { class: "kba__log", role: "log", "aria-live": "polite", "aria-relevant": "additions", tabindex: "0", "aria-label": t.searchAssistantTitle });
  const input = el("input", { class: "kba__input", id: "kba-input", type: "text", autocomplete: "off", maxlength: "300", placeholder: t.searchAssistantPlaceholder || "" });
  const form = el("form", { class: "kba__form" },
    el("label", { class: "kba__sr", for: "kba-input", text: t.searchAssistantLabel }), input,
    el("button", { class: "kba__send", type: "submit", text: t.searchAssistantSend }));
  const close = el("button", { class: "kba__close", type: "button", "aria-label": t.searchAssistantClose, text: "×" });
  const panel = el("section", { class: "kba", role: "dialog", "aria-modal": "false", "aria-labelledby": "kba-title" },
    el("div", { class: "kba__head" }, el("h2", { class: "kba__title", id: "kba-title", text: t.searchAssistantTitle }), close),
    log, form);
  document.body.append(panel);

  // The conversation: [{role: "user"|"bot", text, answer?}] — what is shown and what a hand-over
  // passes on. sessionStorage only: gone when the tab closes, never sent anywhere by itself.
  let talk = [];
  try { talk = JSON.parse(sessionStorage.getItem(STORE) || "[]"); } catch { talk = []; }
  let state = { candidates: [], at: 0, noes: 0, question: "" };
  const save = () => { try { sessionStorage.setItem(STORE, JSON.stringify(talk.slice(-40))); } catch { /* full or blocked */ } };

  const say = (role, text, extra = {}, remember = true) => {
    const who = el("span", { class: "kba__who", text: role === "user" ? t.searchAssistantYou : t.searchAssistantBot });
    const msg = el("div", { class: `kba__msg kba__msg--${role}` }, who, el("p", { class: "kba__text", text }));
    if (extra.answer) {
      const a = extra.answer;
      msg.append(el("p", { class: "kba__question", text: a.title }),
        el("div", { class: "kba__body" }, safeFragment(a.html || a.snippet || "", resolve)),
        el("a", { class: "kba__more", href: new URL(a.url, root).href, text: t.searchAssistantMore }));
    }
    for (const node of extra.nodes || []) msg.append(node);
    log.append(msg);
    log.scrollTop = log.scrollHeight;
    if (remember) {
      talk.push({ role, text: extra.answer ? `${text} ${extra.answer.title} – ${new URL(extra.answer.url, root).href}` : text });
      save();
    }
    return msg;
  };

  const buttons = (items) => el("div", { class: "kba__choices" }, ...items.map(([label, action, cls]) => {
    const b = el("button", { type: "button", class: `kba__choice${cls ? " " + cls : ""}`, text: label });
    b.addEventListener("click", () => { b.parentElement.querySelectorAll("button").forEach((x) => { x.disabled = true; }); action(); });
    return b;
  }));

  // The visit's record (visit.js): the questions and the answers given, for the contact form
  // and the self-service report, and how the conversation ended.
  const record = (kind, data) => { try { window.kbgenVisit?.record(kind, data); } catch { /* optional */ } };

  function vote(a) {
    record("assistant_outcome", { outcome: "resolved" });
    const url = t.votesUrl;
    if (!url) return;
    fetch(url, {
      method: "POST", headers: { "Content-Type": "application/json" }, credentials: "omit", keepalive: true,
      body: JSON.stringify({ article: a.id.split("#")[0], lang: a.lang, rev: "", value: "yes", via: "assist" }),
    }).catch(() => {});
  }

  function offerHuman() {
    const link = el("a", { class: "kba__contact", href: new URL("kontakt/", root).href, text: t.searchAssistantContact });
    link.addEventListener("click", () => record("assistant_outcome", { outcome: "escalated" }));
    say("bot", t.searchAssistantHuman, { nodes: [link] });
  }

  function show(a) {
    const others = state.candidates.filter((c) => c !== a).slice(0, 2);
    const nodes = [el("p", { class: "kba__ask", text: t.searchAssistantAsk }), buttons([
      [t.searchAssistantYes, () => { say("user", t.searchAssistantYes); vote(a); say("bot", t.searchAssistantThanks); }],
      [t.searchAssistantNo, () => { say("user", t.searchAssistantNo); no(); }],
    ])];
    if (others.length) {
      nodes.push(el("p", { class: "kba__ask", text: t.searchAssistantAlternatives }),
        buttons(others.map((c) => [c.title, () => { say("user", c.title); state.at = state.candidates.indexOf(c); show(c); }, "kba__alt"])));
    }
    say("bot", state.at ? t.searchAssistantNext : t.searchAssistantFound, { answer: a, nodes });
    record("assistant", { role: "assistant", text: `${a.title} – ${new URL(a.url, root).href}` });
  }

  function no() {
    state.noes += 1;
    const next = state.candidates[state.at + 1];
    if (state.noes === 1 && next) { state.at += 1; show(next); return; }
    if (state.noes === 1) say("bot", t.searchAssistantRephrase);
    offerHuman();
  }

  async function ask(q) {
    say("user", q);
    record("assistant", { role: "user", text: q });
    const found = await api.candidates(q);
    state = { candidates: found, at: 0, noes: 0, question: q };
    if (!found.length) { say("bot", t.searchAssistantNothing); say("bot", t.searchAssistantRephrase); offerHuman(); return; }
    show(found[0]);
  }

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const q = input.value.trim();
    if (!q) return;
    input.value = "";
    ask(q);
  });
  const hide = () => { panel.hidden = true; launcher.setAttribute("aria-expanded", "false"); launcher.focus(); };
  close.addEventListener("click", hide);
  panel.addEventListener("keydown", (e) => { if (e.key === "Escape") { e.preventDefault(); hide(); } });

  // Replay this tab's conversation (as text), then greet.
  for (const m of talk) say(m.role, m.text, {}, false);
  if (!talk.length) say("bot", t.searchAssistantHello, {}, false);

  launcher.kbaPanel = { show() { panel.hidden = false; launcher.setAttribute("aria-expanded", "true"); input.focus(); } };
  launcher.kbaPanel.show();
}
