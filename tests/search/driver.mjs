// Runs kbgen/assets/search.js under Node for the Python tests.
//   node driver.mjs search  <export dir> <requests.json>  → [[{id, lang, score, ...}], ...]
//   node driver.mjs analyze <requests.json>               → [[terms], ...] for [{text, lang, stop}]
//   node driver.mjs call    <export dir> <requests.json>  → results of complete/suggest calls
//   node driver.mjs split   <requests.json>               → [[parts], ...] for [{word, known}]
//   node driver.mjs query   <export dir> <requests.json>  → [{corrected, hits: [[id, score]]}]
//   node driver.mjs answer  <passage export> <requests.json> → [{confidence, shown, passages}]
// Requests come from a file because queries may hold any character.
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const client = await import(pathToFileURL(join(here, "..", "..", "kbgen", "assets", "search.js")));

export function fileFetch(counter) {
  return async (url) => {
    try {
      const body = await readFile(url);
      if (counter) counter.push([url, body.length]);
      return { ok: true, json: async () => JSON.parse(body.toString("utf8")) };
    } catch {
      return { ok: false, status: 404, json: async () => null };
    }
  };
}

const [, , cmd, ...args] = process.argv;
let out;
if (cmd === "analyze") {
  const reqs = JSON.parse(await readFile(args[0], "utf8"));
  out = reqs.map((r) => client.analyze(r.text, r.lang, new Set(r.stop)));
} else if (cmd === "split") {
  const reqs = JSON.parse(await readFile(args[0], "utf8"));
  out = [];
  for (const r of reqs) {
    const known = new Set(r.known);
    out.push(await client.splitCompound(r.word, async (w) => known.has(w)));
  }
} else {
  const search = client.createSearch({ baseUrl: args[0], fetch: fileFetch() });
  const reqs = JSON.parse(await readFile(args[1], "utf8"));
  out = [];
  for (const r of reqs) {
    try {
      if (cmd === "answer") {
        const a = await search.answer(r.query, r.opts || {});
        const all = a.best ? [a.best, ...a.alternatives] : [];
        out.push({ confidence: a.confidence, shown: a.shown, passages: all.map((h) => [h.id, h.score, h.html ?? null]) });
      } else if (cmd === "query") {
        const res = await search.query(r.query, r.opts || {});
        out.push({ corrected: res.corrected, hits: res.results.map((h) => [h.id, h.score]) });
      } else if (cmd === "search") {
        const res = await search.query(r.query, r.opts || {});
        out.push(res.results.map((h) => ({ id: h.id, lang: h.lang, title: h.title, url: h.url, score: h.score, snippet: h.snippet, marks: h.marks })));
      } else if (r.call === "complete") {
        out.push(await search.complete(r.query, r.opts || {}));
      } else {
        out.push(await search.suggest(r.query, r.opts || {}));
      }
    } catch (err) {
      out.push({ error: String(err && err.stack || err) });
    }
  }
}
process.stdout.write(JSON.stringify(out));
