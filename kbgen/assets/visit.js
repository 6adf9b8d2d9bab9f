// kbgen visit record: what this tab's visitor did (searches, articles read, votes, the
// assistant's conversation), kept in sessionStorage only, for the contact form to show (and
// let the customer remove) before anything is sent with a request. Separately, and only when
// the site has an events endpoint, anonymous events for the self-service report are batched
// to the collector with navigator.sendBeacon: one random id per tab links them, nothing else
// (no cookie, no user id; the request's reference and the assistant's text are never sent).
// Global Privacy Control and Do Not Track switch the events off; so does a local preview.
(() => {
  const KEY = "kbgen-visit";
  const LIMIT = 20; // entries kept per list of the context
  const TEXT_MAX = 1000; // characters kept of an assistant message
  const SETTLE_MS = 1500; // a search counts once the visitor stopped typing this long
  const IDLE_MS = 30 * 60 * 1000; // after 30 idle minutes a new visit begins
  const SEND_AT = 20; // queued events that trigger a send
  const BATCH = 25;
  const LISTS = { search: "searches", article: "articles", vote: "votes", assistant: "assistant" };
  const tag = document.querySelector("script[data-kbgen-visit]");
  const cfg = (tag && tag.dataset) || {};
  const local = ["localhost", "127.0.0.1", "[::1]", ""].includes(location.hostname) || location.protocol === "file:";
  const nav = navigator;
  const tracking =
    !!cfg.events && typeof nav.sendBeacon === "function" &&
    !(nav.globalPrivacyControl === true || nav.doNotTrack === "1" || window.doNotTrack === "1") &&
    (!local || cfg.local === "1");
  let memory = null; // when sessionStorage is blocked, the record lives as long as the page
  let timer = 0;

  const randomId = () => {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  };
  const fresh = (now) => ({
    visit_id: randomId(), started: now, last: now, seq: 0,
    lang: cfg.lang || document.documentElement.lang || "",
    referrer: referrer(), searches: [], articles: [], votes: [], assistant: [],
    queue: [], pending: null,
  });
  function referrer() {
    try {
      const r = new URL(document.referrer);
      return r.origin === location.origin ? "" : r.origin + r.pathname; // no query: it may hold personal data
    } catch { return ""; }
  }
  function load() {
    let state = memory;
    try { state = JSON.parse(sessionStorage.getItem(KEY)) || memory; } catch { /* blocked */ }
    const now = Date.now();
    if (!state || typeof state !== "object" || !state.visit_id) return fresh(now);
    if (now - state.last > IDLE_MS) Object.assign(state, { visit_id: randomId(), started: now, seq: 0, queue: [], pending: null });
    return state;
  }
  function save(state) {
    state.last = Date.now();
    memory = state;
    try { sessionStorage.setItem(KEY, JSON.stringify(state)); } catch { /* the page's memory will do */ }
  }
  const norm = (q) => String(q || "").normalize("NFC").replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, "").replace(/\s+/g, " ").trim().toLowerCase().slice(0, 200);
  // As the collector stores it: e-mail addresses and long numbers never leave the tab.
  const redact = (q) => q.replace(/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g, "[email]").replace(/\d(?:[\s./-]?\d){5,}/g, "[number]");
  const push = (list, entry) => { list.push(entry); if (list.length > LIMIT) list.splice(0, list.length - LIMIT); };
  const seconds = (state) => Math.min(7 * 86400, Math.max(0, Math.round((Date.now() - state.started) / 1000)));

  function enqueue(state, kind, fields) {
    if (!tracking) return;
    state.queue.push({ kind, seq: state.seq++, t: seconds(state), ...fields, lang: cfg.lang || state.lang });
    if (state.queue.length >= SEND_AT) send(state);
  }
  function commitSearch(state) {
    const p = state.pending;
    if (!p) return;
    state.pending = null;
    const last = state.lastKind === "search" && state.searches[state.searches.length - 1];
    const queued = state.queue[state.queue.length - 1];
    // The same search shown again (box, then results page; back to the results) is one search:
    // results opened later still belong to it.
    if (state.lastQ === p.q) {
      if (last && last.q === p.q) last.results = p.results;
      if (queued && queued.kind === "search") queued.n = p.results;
      return;
    }
    state.lastQ = p.q;
    // "pak", a pause, then "paket": one search, not a reformulation (while not yet sent).
    if (last && p.t - last.t <= 10 && (p.q.startsWith(last.q) || last.q.startsWith(p.q))) {
      state.searches.pop();
      if (queued && queued.kind === "search") { state.queue.pop(); state.seq--; }
    }
    push(state.searches, { q: p.q, results: p.results, t: p.t });
    enqueue(state, "search", { q: redact(p.q), n: p.results });
    state.lastKind = "search";
  }
  function send(state) {
    commitSearch(state);
    if (!tracking || !state.queue.length) return;
    const byLang = new Map();
    for (const e of state.queue) {
      const { lang, ...event } = e;
      if (!byLang.has(lang)) byLang.set(lang, []);
      byLang.get(lang).push(event);
    }
    const left = [];
    for (const [lang, events] of byLang) {
      for (let i = 0; i < events.length; i += BATCH) {
        const chunk = events.slice(i, i + BATCH);
        const body = JSON.stringify({ visit: state.visit_id, lang, events: chunk });
        // text/plain needs no CORS preflight; the collector reads it as JSON.
        if (!nav.sendBeacon(cfg.events, new Blob([body], { type: "text/plain" }))) left.push(...chunk.map((e) => ({ ...e, lang })));
      }
    }
    state.queue = left.slice(-200); // a beacon refused (e.g. over the browser's quota): retried later, bounded
  }

  const record = (kind, data = {}) => {
    const state = load();
    const t = seconds(state);
    if (kind === "search") {
      const q = norm(data.q);
      if (q) {
        const results = Math.max(0, Number(data.results) || 0);
        state.pending = { q, results, t };
        clearTimeout(timer);
        if (data.final || data.submitted) commitSearch(state);
        else timer = setTimeout(() => { const s = load(); commitSearch(s); save(s); }, SETTLE_MS);
      }
      save(state);
      return;
    }
    commitSearch(state); // the search before this event counts first
    const id = data.id == null ? "" : String(data.id).slice(0, 200);
    switch (kind) {
      case "result":
        enqueue(state, "result", { q: redact(norm(data.q)), n: Math.max(1, Number(data.rank) || 1), id });
        break;
      case "article":
        push(state.articles, { id, lang: String(data.lang || state.lang), title: String(data.title || "").slice(0, 300), url: String(data.url || location.pathname).slice(0, 500), t });
        enqueue(state, "article", { id });
        break;
      case "vote":
        push(state.votes, { id, lang: String(data.lang || state.lang), value: data.value === "yes" ? "yes" : "no", t });
        enqueue(state, "vote", { id, value: data.value === "yes" ? "yes" : "no" });
        break;
      case "answer":
        enqueue(state, "answer", { id, value: data.helpful ? "helpful" : "shown" });
        break;
      case "assistant": {
        const role = data.role === "assistant" ? "assistant" : "user";
        push(state.assistant, { role, text: String(data.text || "").slice(0, TEXT_MAX), t });
        enqueue(state, "assistant", { value: role });
        break;
      }
      case "assistant_outcome":
        if (/^[a-z][a-z_]{0,31}$/.test(String(data.outcome))) enqueue(state, "assistant_outcome", { value: data.outcome });
        break;
      case "suggestion":
        enqueue(state, "suggestion", { id });
        break;
      case "contact_view":
      case "contact_sent":
        enqueue(state, kind, {});
        break;
      default:
        return;
    }
    state.lastKind = kind;
    save(state);
  };

  const context = () => {
    const s = load();
    const copy = (list) => list.map((e) => ({ ...e }));
    const searches = copy(s.searches);
    if (s.pending) searches.push({ q: s.pending.q, results: s.pending.results, t: s.pending.t });
    return { visit_id: s.visit_id, lang: s.lang, referrer: s.referrer, searches, articles: copy(s.articles), votes: copy(s.votes), assistant: copy(s.assistant) };
  };
  const forget = (kind, index) => {
    const s = load();
    const name = LISTS[kind] || kind;
    if (name === "searches" && s.pending && index === s.searches.length) s.pending = null;
    else if (Array.isArray(s[name]) && name !== "queue") s[name].splice(index, 1);
    save(s);
  };
  const clear = () => {
    const s = load();
    send(s); // what was recorded before belongs to the old visit
    save(fresh(Date.now()));
  };

  window.kbgenVisit = { record, context, forget, clear };
  if (cfg.articleId) record("article", { id: cfg.articleId, lang: cfg.lang, title: cfg.articleTitle, url: location.pathname });
  else save(load());
  const flush = () => { const s = load(); send(s); save(s); };
  addEventListener("pagehide", flush);
  addEventListener("visibilitychange", () => { if (document.visibilityState === "hidden") flush(); });
})();
