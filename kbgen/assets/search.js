// kbgen search client: queries the static files written by kbgen/search/export.py and ranks
// exactly like kbgen.search.engine (same analysis, same float64 sums, same tie-breaking).
// Dependency-free ES module for browsers and Node 20. No UI text lives here.

const WORD = /[\p{L}\p{N}]+/gu;
const ENDS_IN_WORD = /[\p{L}\p{N}]$/u;
const MARK = /\p{Mn}/gu;
const DIGRAPH = /(?<![aeiouq])([aou])e/g;
const ASCII = /^[a-z0-9]+$/;
const cpLen = (s) => Array.from(s).length;

// ---- analysis (mirror of kbgen/search/analysis.py) ----
export function fold(word, lang) {
  let t = word.toLowerCase().replace(/ς/g, "σ").normalize("NFKD").replace(MARK, "").replace(/ß/g, "ss");
  return lang === "de" ? t.replace(DIGRAPH, "$1") : t;
}

export const tokenize = (text) => String(text).match(WORD) || [];

// German Snowball, as in whoosh.lang.snowball.german (input is folded ASCII).
const GV = "aeiouy";
const isV = (c) => c !== undefined && GV.includes(c);
function r1r2(w) {
  let r1 = "", r2 = "";
  for (let i = 1; i < w.length; i++) if (!isV(w[i]) && isV(w[i - 1])) { r1 = w.slice(i + 1); break; }
  for (let i = 1; i < r1.length; i++) if (!isV(r1[i]) && isV(r1[i - 1])) { r2 = r1.slice(i + 1); break; }
  return [r1, r2];
}
function stemDe(w) {
  for (let i = 1; i < w.length - 1; i++) {
    if (isV(w[i - 1]) && isV(w[i + 1])) {
      if (w[i] === "u") w = w.slice(0, i) + "U" + w.slice(i + 1);
      else if (w[i] === "y") w = w.slice(0, i) + "Y" + w.slice(i + 1);
    }
  }
  let [r1, r2] = r1r2(w);
  for (let i = 1; i < w.length; i++) if (!isV(w[i]) && isV(w[i - 1])) { if (i + 1 < 3) r1 = w.slice(3); break; }
  const cut = (n) => { w = w.slice(0, -n); r1 = r1.slice(0, -n); r2 = r2.slice(0, -n); };
  for (const s of ["ern", "em", "er", "en", "es", "e", "s"]) {
    if (!r1.endsWith(s)) continue;
    const n = s.length;
    if ((s === "en" || s === "es" || s === "e") && w.slice(-n - 4, -n) === "niss") cut(n + 1);
    else if (s === "s") { if ("bdfghklmnrt".includes(w.at(-2))) cut(1); }
    else cut(n);
    break;
  }
  for (const s of ["est", "en", "er", "st"]) {
    if (!r1.endsWith(s)) continue;
    if (s === "st") { if ("bdfghklmnt".includes(w.at(-3)) && w.length - 3 >= 3) cut(2); }
    else cut(s.length);
    break;
  }
  for (const s of ["isch", "lich", "heit", "keit", "end", "ung", "ig", "ik"]) {
    if (!r2.endsWith(s)) continue;
    const n = s.length;
    if (s === "end" || s === "ung") {
      w = r2.slice(-n - 2, -n).includes("ig") && !r2.slice(-n - 3, -n - 2).includes("e") ? w.slice(0, -n - 2) : w.slice(0, -n);
    } else if ((s === "ig" || s === "ik" || s === "isch") && !r2.slice(-n - 1, -n).includes("e")) {
      w = w.slice(0, -n);
    } else if (s === "lich" || s === "heit") {
      const p = r1.slice(-n - 2, -n);
      w = p.includes("er") || p.includes("en") ? w.slice(0, -n - 2) : w.slice(0, -n);
    } else if (s === "keit") {
      w = r2.slice(-n - 4, -n).includes("lich") ? w.slice(0, -n - 4) : r2.slice(-n - 2, -n).includes("ig") ? w.slice(0, -n - 2) : w.slice(0, -n);
    }
    break;
  }
  return w.replace(/U/g, "u").replace(/Y/g, "y");
}

// English Porter2, as in whoosh.lang.porter2.
const R_EXP = /[^aeiouy]*[aeiouy]+[^aeiouy]/y;
const EXC = { skis: "ski", skies: "sky", dying: "die", lying: "lie", tying: "tie", idly: "idl", gently: "gentl", ugly: "ugli", early: "earli", only: "onli", singly: "singl", sky: "sky", news: "news", howe: "howe", atlas: "atlas", cosmos: "cosmos", bias: "bias", andes: "andes" };
const EXIT1A = ["inning", "outing", "canning", "herring", "earring", "proceed", "exceed", "succeed"];
const S2 = [["ization", "ize"], ["ational", "ate"], ["fulness", "ful"], ["ousness", "ous"], ["iveness", "ive"], ["tional", "tion"], ["biliti", "ble"], ["lessli", "less"], ["entli", "ent"], ["ation", "ate"], ["alism", "al"], ["aliti", "al"], ["ousli", "ous"], ["iviti", "ive"], ["fulli", "ful"], ["enci", "ence"], ["anci", "ance"], ["abli", "able"], ["izer", "ize"], ["ator", "ate"], ["alli", "al"], ["bli", "ble"], ["ogi", "og", "l"], ["li", "", "cdeghkmnrt"]];
const S3 = [["ational", "ate"], ["tional", "tion"], ["alize", "al"], ["icate", "ic"], ["iciti", "ic"], ["ative", "", 1], ["ical", "ic"], ["ness", ""], ["ful", ""]];
const S4 = ["al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "ism", "ate", "iti", "ous", "ive", "ize"];
function rAt(w, pos) { R_EXP.lastIndex = pos; return R_EXP.test(w) ? R_EXP.lastIndex : w.length; }
function r1En(w) { return w.startsWith("gener") || w.startsWith("arsen") ? 5 : w.startsWith("commun") ? 6 : rAt(w, 0); }
const shortSyl = (w) => (w.length === 2 && /^[aeiouy][^aeiouy]$/.test(w)) || /^.*[^aeiouy][aeiouy][^aeiouywxY]$/.test(w);
function stemEn(w) {
  if (w.length <= 2) return w;
  if (w[0] === "'") w = w.slice(1);
  if (w in EXC) return EXC[w];
  if (w[0] === "y") w = "Y" + w.slice(1);
  w = w.replace(/([aeiouy])y/g, "$1Y");
  const r1 = r1En(w), r2 = rAt(w, r1);
  if (w.endsWith("'s'")) w = w.slice(0, -3); else if (w.endsWith("'s")) w = w.slice(0, -2); else if (w.endsWith("'")) w = w.slice(0, -1);
  if (w.endsWith("sses")) w = w.slice(0, -4) + "ss";
  else if (w.endsWith("ied") || w.endsWith("ies")) w = w.slice(0, -3) + (w.length > 4 ? "i" : "ie");
  else if (!(w.endsWith("us") || w.endsWith("ss")) && w.endsWith("s") && /[aeiouy]./.test(w.slice(0, -1))) w = w.slice(0, -1);
  if (EXIT1A.includes(w)) return w;
  if (w.endsWith("eedly")) { if (w.length - 5 >= r1) w = w.slice(0, -3); }
  else if (w.endsWith("eed")) { if (w.length - 3 >= r1) w = w.slice(0, -1); }
  else {
    for (const s of ["ed", "edly", "ing", "ingly"]) {
      if (!w.endsWith(s)) continue;
      const p = w.slice(0, -s.length);
      if (/[aeiouy]/.test(p)) {
        if (p.endsWith("at") || p.endsWith("bl") || p.endsWith("iz")) w = p + "e";
        else if (["bb", "dd", "ff", "gg", "mm", "nn", "pp", "rr", "tt"].some((d) => p.endsWith(d))) w = p.slice(0, -1);
        else if (shortSyl(p) && r1En(p) === p.length) w = p + "e";
        else w = p;
      }
      break;
    }
  }
  if ((w.endsWith("y") || (w.endsWith("Y") && w.length > 1)) && !GV.includes(w.at(-2)) && w.length > 2) w = w.slice(0, -1) + "i";
  for (const [end, rep, prev] of S2) {
    if (!w.endsWith(end)) continue;
    const stem = w.slice(0, -end.length);
    if (stem.length >= r1 && (!prev || [...prev].some((c) => stem.endsWith(c)))) w = stem + rep;
    break;
  }
  for (const [end, rep, needR2] of S3) {
    if (!w.endsWith(end)) continue;
    const n = w.length - end.length;
    if (n >= r1 && (!needR2 || n >= r2)) w = w.slice(0, n) + rep;
    break;
  }
  const s4 = S4.find((e) => w.endsWith(e));
  if (s4) { if (w.length - s4.length >= r2) w = w.slice(0, -s4.length); }
  else if ((w.endsWith("sion") || w.endsWith("tion")) && w.length - 3 >= r2) w = w.slice(0, -3);
  if (w.endsWith("l")) { if (w.length - 1 >= r2 && w.at(-2) === "l") w = w.slice(0, -1); }
  else if (w.endsWith("e") && (w.length - 1 >= r2 || (w.length - 1 >= r1 && !shortSyl(w.slice(0, -1))))) w = w.slice(0, -1);
  return w.replace(/Y/g, "y");
}

const SEP = "zusammen|herunter|zuruck|heraus|herein|hinaus|hinein|weiter|wieder|vorbei|durch|statt|voran|fest|fort|frei|hoch|nach|teil|auf|aus|bei|dar|ein|her|hin|los|mit|vor|weg|ab|an|um|zu";
const SEP_PART = new RegExp(`^(${SEP})ge([a-z]{3,})$`);
const SEP_ZU = new RegExp(`^(${SEP})zu([a-z]{3,})$`);
const WEAK_PART = /^ge([a-z]{3,}?)e?t$/;
function deVariant(s) {
  let m = SEP_PART.exec(s);
  if (m) {
    let rest = m[2];
    if (rest.endsWith("et") && rest.length > 4) rest = rest.slice(0, -2);
    else if (rest.endsWith("t") && rest.length > 3) rest = rest.slice(0, -1);
    return stemDe(m[1] + rest + "en");
  }
  if ((m = SEP_ZU.exec(s))) return stemDe(m[1] + m[2] + "en");
  if ((m = WEAK_PART.exec(s))) return stemDe(m[1] + "en");
  return null;
}

/** Index terms of one folded word ([] for stop words). `stop` is a Set of folded stop words. */
export function wordTerms(f, lang, stop) {
  const n = cpLen(f);
  if (n < 2 || n > 64 || stop.has(f)) return [];
  if ((lang !== "de" && lang !== "en") || !ASCII.test(f)) return [f];
  const s = lang === "de" ? stemDe(f) : stemEn(f);
  const v = lang === "de" ? deVariant(s) : null;
  return v && v !== s ? [s, v] : [s];
}

// ---- compounds and word pairs (mirror of split_compound / pair_terms) ----
const MIN_PART = 4;
const LINKS = ["es", "en", "s", "n", "e"];

/** Parts of a folded compound by greedy longest match; `known(word)` may be async. */
export async function splitCompound(f, known, depth = 0) {
  const n = f.length;
  if (n < 2 * MIN_PART || depth > 4 || !ASCII.test(f)) return [];
  for (let cut = n - MIN_PART; cut >= MIN_PART; cut--) {
    const head = f.slice(0, cut);
    if (!(await known(head))) continue;
    const rest = f.slice(cut);
    const tails = [rest, ...LINKS.filter((l) => rest.startsWith(l)).map((l) => rest.slice(l.length))];
    for (const t of tails) if (t.length >= MIN_PART && (await known(t))) return [head, t];
    for (const t of tails) {
      const deeper = await splitCompound(t, known, depth + 1);
      if (deeper.length) return [head, ...deeper];
    }
  }
  return [];
}

export function partTerms(parts, lang, stop) {
  const out = [];
  for (const p of parts) for (const t of wordTerms(p, lang, stop)) if (!out.includes(t)) out.push(t);
  return out;
}

export function analyze(text, lang, stop) {
  return tokenize(text).flatMap((w) => wordTerms(fold(w, lang), lang, stop));
}

// ---- helpers for the UI ----
/** Ranges [start, end) of words in `text` whose terms are in the Set `terms`. */
export function highlight(text, terms, lang, stop) {
  const out = [];
  for (const m of String(text).matchAll(WORD)) {
    if (wordTerms(fold(m[0], lang), lang, stop).some((t) => terms.has(t))) out.push([m.index, m.index + m[0].length]);
  }
  return out;
}

/** A passage of about `size` characters around the densest run of matches, with its marks. */
export function snippet(text, terms, lang, stop, size = 180) {
  const marks = highlight(text, terms, lang, stop);
  let start = 0;
  if (text.length > size && marks.length) {
    let best = -1;
    for (const [s] of marks) {
      const n = marks.filter(([a, b]) => a >= s && b <= s + size - 30).length;
      if (n > best) { best = n; start = s; }
    }
    start = Math.max(0, start - 30);
    if (start) { const sp = text.indexOf(" ", start); start = sp >= 0 && sp < start + 20 ? sp + 1 : start; }
  }
  let end = Math.min(text.length, start + size);
  if (end < text.length) { const sp = text.lastIndexOf(" ", end); if (sp > start + size / 2) end = sp; }
  const pre = start > 0 ? "… " : "", off = pre.length - start;
  return {
    text: pre + text.slice(start, end) + (end < text.length ? " …" : ""),
    marks: marks.filter(([a, b]) => a >= start && b <= end).map(([a, b]) => [a + off, b + off]),
  };
}

/** Optimal-string-alignment edit distance, stopping early above `max`. */
export function editDistance(a, b, max = 2) {
  a = Array.from(a); b = Array.from(b);
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let p2 = [], p = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const c = [i];
    let low = i;
    for (let j = 1; j <= b.length; j++) {
      c[j] = Math.min(p[j] + 1, c[j - 1] + 1, p[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) c[j] = Math.min(c[j], p2[j - 2] + 1);
      low = Math.min(low, c[j]);
    }
    if (low > max) return max + 1;
    p2 = p; p = c;
  }
  return p[b.length];
}

export function fnv1a32(text) {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
  return h;
}

/** Confidence of an answer (mirror of kbgen.search.answers.confidence):
 *  coverage × margin to the best other article × min(1, searched words / 3).
 *  `ranked`: [{score, coverage, groups, article}] best first (the first 10 count). */
export function confidenceOf(ranked) {
  if (!ranked.length || ranked[0].score <= 0 || ranked[0].groups < 2) return 0;
  const best = ranked[0].score;
  const rival = ranked.slice(1, 10).find((r) => r.article !== ranked[0].article);
  const margin = rival ? (best - rival.score) / best : 1;
  return ranked[0].coverage * margin * Math.min(1, ranked[0].groups / 3);
}

// ---- the client ----
export function createSearch({ baseUrl, fetch: fetchImpl = globalThis.fetch?.bind(globalThis) } = {}) {
  const base = String(baseUrl).replace(/\/?$/, "/");
  const files = new Map();
  const postingCache = new Map();
  const wordSets = new Map();
  let manifest = null;

  const load = (path, init) => {
    if (!files.has(path)) {
      // A failed file is forgotten so the next query retries instead of missing results.
      const forget = () => { files.delete(path); return null; };
      files.set(path, Promise.resolve()
        .then(() => fetchImpl(base + path, init))
        .then((r) => (r && r.ok ? r.json() : forget()))
        .catch(forget));
    }
    return files.get(path);
  };

  async function getManifest() {
    if (!manifest) {
      manifest = load("manifest.json", { cache: "no-cache" }).then((m) => {
        if (!m || m.format !== 2) { files.delete("manifest.json"); manifest = null; throw new Error("kbgen search: no usable manifest.json at " + base); }
        for (const l of Object.values(m.langs)) l.stopSet = new Set(l.stop);
        return m;
      });
    }
    return manifest;
  }

  async function postings(lang, meta, term) {
    const key = lang + "\0" + term;
    if (!postingCache.has(key)) {
      const pair = term.includes(" ");
      if (pair && !meta.pairs) return new Map();
      const file = pair ? `p${fnv1a32(term) % meta.pairs}` : `t${fnv1a32(term) % meta.terms}`;
      postingCache.set(key, load(`${meta.dir}/${file}.json`).then((shard) => {
        if (!shard) postingCache.delete(key);
        const e = shard && Object.hasOwn(shard, term) ? shard[term] : null;
        const out = new Map();
        if (!e) return out;
        let doc = 0;
        e[0].forEach((d, i) => { doc += d; out.set(doc, e.length === 3 ? e[1][e[2][i]] : e[1][i]); });
        return out;
      }));
    }
    return postingCache.get(key);
  }

  const prefixOf = (key) => Array.from(key).slice(0, 2).join("");
  async function vocab(meta, prefix) {
    const shard = await load(`${meta.dir}/w${fnv1a32(prefix) % meta.words}.json`);
    return (shard && Object.hasOwn(shard, prefix) ? shard[prefix] : []);
  }

  async function completions(meta, folded, limit) {
    const rows = (await vocab(meta, prefixOf(folded))).filter((r) => r[0].startsWith(folded));
    return rows.sort((a, b) => b[1] - a[1]).slice(0, limit); // stable: ties keep word order
  }

  async function wordSet(meta, head) {
    const key = meta.dir + "\0" + head;
    if (!wordSets.has(key)) wordSets.set(key, vocab(meta, head).then((rows) => new Set(rows.map((r) => r[0]))));
    return wordSets.get(key);
  }

  // A corpus word for a word the index lacks (mirror of Vocabulary.correct): an inflection of
  // a corpus word (prefix-related stems within 3 letters; the most frequent) is searched
  // silently, else the closest word within 1 edit (4–7 letters) or 2 (longer) is a typo fix.
  const inflection = (own, other) => own.some((a) => other.some((b) => {
    const [s, l] = a.length <= b.length ? [a, b] : [b, a];
    return s.length >= 4 && l.startsWith(s) && l.length - s.length <= 3;
  }));
  async function correct(meta, f, lang) {
    const cps = Array.from(f);
    if (cps.length < 4) return null;
    const max = cps.length < 8 ? 1 : 2;
    const own = wordTerms(f, lang, meta.stopSet);
    let best = null, related = null;
    for (const p of new Set([cps.slice(0, 2).join(""), cps[1] + cps[0], cps[0] + cps[2]])) {
      for (const r of await vocab(meta, p)) {
        if (inflection(own, wordTerms(r[0], lang, meta.stopSet))) {
          if (!related || r[1] > related.df) related = { df: r[1], key: r[0], typo: false };
          continue;
        }
        const d = editDistance(f, r[0], max);
        if (d <= max && (!best || d < best.d || (d === best.d && r[1] > best.df))) best = { d, df: r[1], key: r[0], word: r[2] ?? r[0], typo: true };
      }
    }
    return related || best;
  }

  // `word` capitalised when the customer capitalised (mirrors _like in engine.py).
  const like = (typed, word) => {
    const first = Array.from(typed)[0], cps = Array.from(word);
    return first && first === first.toUpperCase() && first !== first.toLowerCase() && cps.length ? cps[0].toUpperCase() + cps.slice(1).join("") : word;
  };

  async function plan(m, lang, query, prefix, exact) {
    const meta = m.langs[lang];
    const stop = meta.stopSet;
    const words = tokenize(query);
    const typing = prefix && ENDS_IN_WORD.test(query);
    const p = { groups: [], pairs: [], corrected: [], words: [] };
    const known = (w) => wordSet(meta, Array.from(w).slice(0, 2).join("")).then((set) => set.has(w));
    const add = (alts) => {
      for (const t of [...alts]) if (Object.hasOwn(meta.syn, t)) alts.push(...meta.syn[t]);
      const g = [...new Set(alts)].sort();
      if (g.length && !p.groups.some((h) => h.join("\0") === g.join("\0")) && p.groups.length < m.maxGroups) p.groups.push(g);
    };
    const primaries = [];
    for (let i = 0; i < words.length; i++) {
      if (p.groups.length >= m.maxGroups) break;
      const f = fold(words[i], lang);
      let terms = wordTerms(f, lang, stop), shown = words[i], parts = [];
      let typed = typing && i === words.length - 1 && cpLen(f) >= m.prefix.minChars;
      if (typed && terms.length && !(await completions(meta, f, 1)).length) typed = false; // a finished word, maybe a typo
      if (terms.length && !typed) {
        if (m.compounds && meta.compounds) parts = await splitCompound(f, known);
        if (m.typos && !exact && !parts.length) {
          let found = false;
          for (const t of terms) if ((await postings(lang, meta, t)).size) found = true;
          if (!found) {
            const fix = await correct(meta, f, lang);
            if (fix && fix.typo) { shown = like(words[i], fix.word); p.corrected.push([words[i], shown]); terms = wordTerms(fix.key, lang, stop); }
            else if (fix) terms = [...terms, ...wordTerms(fix.key, lang, stop).filter((t) => !terms.includes(t))];
          }
        }
      }
      p.words.push(shown);
      const alts = [...terms];
      if (typed) for (const r of await completions(meta, f, m.prefix.expansions)) alts.push(...wordTerms(r[0], lang, stop));
      add(alts);
      for (const t of partTerms(parts, lang, stop)) add([t]);
      if (typed) primaries.push(null);
      else if (terms.length) primaries.push(terms[0]);
    }
    if (m.proximity) {
      for (let i = 1; i < primaries.length; i++) {
        const a = primaries[i - 1], b = primaries[i];
        if (a && b && a !== b && !p.pairs.includes(a + " " + b)) p.pairs.push(a + " " + b);
      }
    }
    return p;
  }

  async function rankLang(m, lang, p) {
    const meta = m.langs[lang];
    const scores = new Map(), matched = new Map();
    for (const g of p.groups) {
      const best = new Map();
      for (const t of g) {
        for (const [d, v] of await postings(lang, meta, t)) if (v > (best.get(d) ?? -1)) best.set(d, v);
      }
      for (const [d, v] of best) { scores.set(d, (scores.get(d) ?? 0) + v); matched.set(d, (matched.get(d) ?? 0) + 1); }
    }
    for (const pair of p.pairs) {
      for (const [d, v] of await postings(lang, meta, pair)) if (scores.has(d)) scores.set(d, scores.get(d) + v);
    }
    const n = p.groups.length;
    let docs = [...scores].map(([doc, score]) => ({ lang, doc, score: m.mode === "coord" ? score * (matched.get(doc) / n) : score, matched: matched.get(doc), coverage: matched.get(doc) / n, groups: n }));
    if (m.mode === "and") { const all = docs.filter((d) => d.matched === n); if (all.length) docs = all; }
    return docs;
  }

  const compare = (a, b) => b.score - a.score || (a.lang < b.lang ? -1 : a.lang > b.lang ? 1 : a.doc - b.doc);

  async function record(meta, doc) {
    const chunk = await load(`${meta.dir}/d${Math.floor(doc / meta.chunk)}.json`);
    return chunk ? chunk[doc % meta.chunk] : null;
  }

  /**
   * Full query: { results, total, categories: [{slug, title, count}], terms, corrected }.
   * Options: limit (10), lang (all languages when absent), prefix (treat the last word as
   * being typed), category (slug filter), exact (no typo correction). `corrected` is the
   * query as searched when unknown words were corrected, else null.
   */
  async function query(q, { limit = 10, lang, prefix = false, category, exact = false } = {}) {
    const m = await getManifest();
    q = String(q ?? "");
    const langs = lang ? (Object.hasOwn(m.langs, lang) ? [lang] : []) : Object.keys(m.langs).sort();
    let all = [];
    const termsByLang = {};
    let corrected = null;
    for (const l of langs) {
      // Across languages a word one language lacks is usually another's, not a typo.
      const p = await plan(m, l, q, prefix, exact || langs.length > 1);
      if (corrected === null && p.corrected.length) corrected = p.words.join(" ");
      termsByLang[l] = new Set(p.groups.flat());
      all = all.concat(await rankLang(m, l, p));
    }
    all.sort(compare);
    const counts = new Map();
    if (category !== undefined) {
      const catFiles = {};
      for (const l of langs) catFiles[l] = await load(`${m.langs[l].dir}/c.json`);
      const slugOf = (d) => { const c = catFiles[d.lang]; return c ? c.cats[c.docs[d.doc]] : ["", ""]; };
      for (const d of all) {
        const [slug, title] = slugOf(d);
        const c = counts.get(slug) || { slug, title, count: 0 };
        c.count++;
        counts.set(slug, c);
      }
      if (category) all = all.filter((d) => slugOf(d)[0] === category);
    }
    const top = all.slice(0, Math.max(0, limit));
    const results = await Promise.all(top.map(async (d) => {
      const meta = m.langs[d.lang];
      const r = (await record(meta, d.doc)) || ["", "", "", "", "", "", ""];
      const terms = termsByLang[d.lang];
      const sn = snippet(r[6], terms, d.lang, meta.stopSet);
      return {
        id: r[0], lang: d.lang, title: r[1], url: r[2], category: r[3], categorySlug: r[4], section: r[5],
        score: d.score, coverage: d.coverage, groups: d.groups, snippet: sn.text, marks: sn.marks, titleMarks: highlight(r[1], terms, d.lang, meta.stopSet),
        ...(r.length > 7 ? { html: r[7] } : {}),
      };
    }));
    return { results, total: all.length, categories: [...counts.values()], terms: termsByLang, corrected, ranked: all };
  }

  /** Completions of the last word being typed: [{ word, key, df }]. */
  async function complete(q, { lang, limit = 6 } = {}) {
    const m = await getManifest();
    const words = tokenize(q);
    if (!lang || !Object.hasOwn(m.langs, lang) || !words.length || !ENDS_IN_WORD.test(q)) return [];
    const f = fold(words.at(-1), lang);
    if (cpLen(f) < m.prefix.minChars) return [];
    return (await completions(m.langs[lang], f, limit + 1)).filter((r) => r[0] !== f).slice(0, limit)
      .map((r) => ({ word: r[2] ?? r[0], key: r[0], df: r[1] }));
  }

  /** Spelling suggestion: the query with unknown words replaced by close corpus words, or null. */
  async function suggest(q, { lang } = {}) {
    const m = await getManifest();
    if (!lang || !Object.hasOwn(m.langs, lang)) return null;
    const meta = m.langs[lang];
    let changed = false;
    const out = [];
    for (const w of tokenize(q).slice(0, m.maxGroups)) {
      const f = fold(w, lang), terms = wordTerms(f, lang, meta.stopSet);
      let known = !terms.length;
      for (const t of terms) if ((await postings(lang, meta, t)).size) known = true;
      if (known || cpLen(f) < 3) { out.push(w); continue; }
      const cps = Array.from(f), max = cps.length <= 4 ? 1 : 2;
      const prefixes = new Set([cps.slice(0, 2).join(""), cps[1] + cps[0], cps[0] + cps[2]]);
      let best = null;
      for (const p of prefixes) {
        for (const r of await vocab(meta, p)) {
          const d = editDistance(f, r[0], max);
          if (d <= max && (!best || d < best.d || (d === best.d && r[1] > best.df))) best = { d, df: r[1], word: r[2] ?? r[0] };
        }
      }
      if (best) { changed = true; out.push(best.word); } else out.push(w);
    }
    return changed ? out.join(" ") : null;
  }

  /**
   * The best passage for a question (a client on the passage export, `…/search/passages/`):
   * { confidence, shown, best, alternatives, corrected }; `best` and `alternatives` are query
   * results with `html`, the passage's safe HTML.
   */
  async function answer(q, { lang, threshold } = {}) {
    const m = await getManifest();
    const res = await query(q, { lang, limit: 3 });
    // Articles of the first 10 passages from a.json (one small file), not their records.
    const meta = lang && Object.hasOwn(m.langs, lang) ? m.langs[lang] : null;
    const articles = meta && res.ranked.length ? await load(`${meta.dir}/a.json`) : null;
    const ranked = res.ranked.slice(0, 10).map((d) => ({ ...d, article: articles ? articles[d.doc] : d.doc }));
    const confidence = confidenceOf(ranked);
    // The site's threshold for the language (search.answer_threshold); null: never shown.
    const limit = threshold !== undefined ? threshold : meta?.answerThreshold ?? null;
    return {
      confidence, shown: res.results.length > 0 && limit !== null && confidence >= limit,
      best: res.results[0] || null, alternatives: res.results.slice(1), corrected: res.corrected,
    };
  }

  return {
    query,
    answer,
    search: async (q, opts) => (await query(q, opts)).results,
    complete,
    suggest,
    manifest: getManifest,
  };
}
