// "Was this article helpful?" in place: the vote is POSTed without leaving the page, a "no"
// asks why. Progressive enhancement of theme/partials/kbgen-feedback.html: without this file
// the links open the collector's confirm page. No dependencies, no cookies; the vote is
// remembered per article and language in localStorage only. All text is set with textContent.

const remembered = {
  get(key) {
    try {
      return JSON.parse(localStorage.getItem(key));
    } catch {
      return null; // storage disabled or blocked (private mode, strict settings)
    }
  },
  set(key, value) {
    try {
      localStorage.setItem(key, JSON.stringify(value));
    } catch {
      // Not remembering is fine: the vote itself was stored.
    }
  },
};

async function post(collector, path, body) {
  const response = await fetch(collector + path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    credentials: "omit",
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error((data.error && data.error.message) || response.statusText);
    error.status = response.status;
    throw error;
  }
  return data;
}

function contactLink(strings) {
  const url = strings.contact_url || "";
  if (!/^(https?:|mailto:)/i.test(url)) return null;
  const p = document.createElement("p");
  p.className = "kbgen-feedback__contact";
  p.append(strings.contact_prompt + " ");
  const a = document.createElement("a");
  a.href = url;
  a.textContent = strings.contact_link;
  p.append(a);
  return p;
}

function setup(root) {
  // Endpoints come from the page (kbgen/feedback/contract.py via the partial), not a copy here.
  const { collector, article, lang, rev, votesPath, followupsPath } = root.dataset;
  if (!collector || !votesPath || !followupsPath) return; // mailto: links need no script
  const strings = JSON.parse(root.querySelector(".kbgen-feedback__strings")?.textContent || "{}");
  const choices = root.querySelector(".kbgen-feedback__choices");
  const status = root.querySelector(".kbgen-feedback__status");
  const key = `kbgen-feedback:${lang}:${article}`;
  const say = (text) => {
    status.textContent = text || "";
  };

  const previous = remembered.get(key);
  if (previous && (previous.value === "yes" || previous.value === "no")) {
    choices.hidden = true;
    say(previous.value === "yes" ? strings.voted_yes : strings.voted_no);
    return;
  }

  const askWhy = (token) => {
    const template = root.querySelector("template.kbgen-feedback__followup");
    const form = template.content.firstElementChild.cloneNode(true);
    const comment = form.querySelector("textarea");
    const counter = form.querySelector(".kbgen-feedback__count");
    const button = form.querySelector("button");
    const count = () => {
      counter.textContent = counter.dataset.template
        .replace("{count}", String(comment.value.length))
        .replace("{max}", String(comment.maxLength));
    };
    comment.addEventListener("input", count);
    count();
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      button.disabled = true;
      try {
        await post(collector, followupsPath, {
          token,
          reason: form.elements.reason.value,
          comment: comment.value,
        });
      } catch {
        button.disabled = false;
        say(strings.error);
        return;
      }
      form.remove();
      say(strings.thanks);
      const contact = contactLink(strings);
      if (contact) status.after(contact);
    });
    status.after(form);
    form.querySelector("input").focus(); // the legend is read with the first option
  };

  choices.addEventListener("click", async (event) => {
    const link = event.target.closest("a[data-value]");
    if (!link || event.button || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) {
      return; // let "open in new tab" and friends do what the person asked for
    }
    event.preventDefault();
    const value = link.dataset.value;
    choices.setAttribute("aria-busy", "true");
    let data;
    try {
      data = await post(collector, votesPath, { article, lang, rev, value });
    } catch (error) {
      choices.removeAttribute("aria-busy");
      if (!error.status) {
        window.location.href = link.href; // network or CORS trouble: the confirm page works
      } else if (error.status === 429) {
        choices.hidden = true;
        say(strings.rate_limited);
      } else {
        say(strings.error);
      }
      return;
    }
    remembered.set(key, { value, rev, at: new Date().toISOString() });
    window.kbgenVisit && window.kbgenVisit.record("vote", { id: article, lang, value });
    choices.hidden = true;
    say(strings.thanks_yes);
    if (value === "no" && data.followup) askWhy(data.token);
  });
}

document.querySelectorAll("[data-kbgen-feedback]").forEach(setup);
