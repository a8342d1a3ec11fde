// Questionnaires: show or hide questions as earlier answers change (show_if), and add table
// rows. Progressive enhancement: without this file the server applies show_if on saving.
(() => {
  const form = document.querySelector("form.questionnaire");
  if (!form) return;

  const answer = (id) => {
    const inputs = form.querySelectorAll(`[name="${CSS.escape(id)}"]`);
    if (!inputs.length) return null;
    const first = inputs[0];
    if (first.type === "checkbox") return [...inputs].filter((i) => i.checked && !i.disabled).map((i) => i.value);
    if (first.type === "radio") {
      const on = [...inputs].find((i) => i.checked && !i.disabled);
      return on ? on.value : null;
    }
    return first.disabled || first.value.trim() === "" ? null : first.value.trim().replace(",", ".");
  };

  const same = (value, target) =>
    typeof target === "string" && isNaN(Number(target)) ? value === target : Number(value) === Number(target);

  const holds = (cond, value) => {
    if (value === null || value === "" || (Array.isArray(value) && !value.length)) return false;
    if ("equals" in cond) return same(value, cond.equals);
    if ("any_of" in cond) return cond.any_of.some((t) => same(value, t));
    if ("includes" in cond) return Array.isArray(value) && value.includes(cond.includes);
    const n = Number(value);
    if (Number.isNaN(n)) return false;
    if ("above" in cond) return n > Number(cond.above);
    if ("at_least" in cond) return n >= Number(cond.at_least);
    if ("below" in cond) return n < Number(cond.below);
    if ("at_most" in cond) return n <= Number(cond.at_most);
    return false;
  };

  // Questions in file order: a question whose condition names a hidden one is hidden too.
  const update = () => {
    form.querySelectorAll("[data-question]").forEach((block) => {
      const raw = block.dataset.showIf;
      if (!raw) return;
      const parsed = JSON.parse(raw);
      const conds = Array.isArray(parsed) ? parsed : [parsed];
      const parents = conds.map((c) => form.querySelector(`[data-question="${CSS.escape(c.question)}"]`));
      // A condition on an earlier page's answer: the server already decided from the saved answer.
      if (parents.some((p) => !p)) return;
      const show = conds.some((c, i) => !parents[i].hidden && holds(c, answer(c.question)));
      block.hidden = !show;
      block.querySelectorAll("input, select, textarea").forEach((el) => { el.disabled = !show; });
    });
  };
  form.addEventListener("change", update);
  form.addEventListener("input", update);
  update();

  form.querySelectorAll("[data-table]").forEach((table) => {
    const button = table.querySelector("[data-add-row]");
    const list = table.querySelector(".rows");
    button.hidden = false;
    button.addEventListener("click", () => {
      const rows = list.querySelectorAll("[data-row]");
      const copy = rows[rows.length - 1].cloneNode(true);
      const index = rows.length;
      copy.querySelectorAll("[name], [id], [for], [aria-describedby]").forEach((el) => {
        for (const attr of ["name", "id", "for", "aria-describedby"]) {
          const v = el.getAttribute(attr);
          if (v) el.setAttribute(attr, v.replace(/-\d+-/, `-${index}-`));
        }
        if (el.matches("input, select")) el.value = "";
        el.removeAttribute("aria-invalid");
      });
      copy.querySelectorAll(".error").forEach((e) => e.remove());
      copy.querySelectorAll(".has-error").forEach((e) => e.classList.remove("has-error"));
      list.appendChild(copy);
      copy.querySelector("input, select").focus();
    });
  });

  // Answers are kept however the page is left. Its buttons (Save, Previous, the sections, the
  // language switch) post the form; a link first waits for the answers to be saved; a hidden
  // or closed tab, or the browser's Back, saves in the background. A post or a link waits for
  // a background save still on its way, so that it cannot land after them.
  const autosave = form.dataset.autosave;
  if (autosave) {
    const shown = form.querySelector('input[name="_shown"]');
    let dirty = false;
    let pending = null;
    form.addEventListener("input", () => { dirty = true; });
    form.addEventListener("change", () => { dirty = true; });

    // Files travel with a post of the form, or with the save before a link: a background save
    // would store them again when the form is posted, and keepalive refuses bodies over 64 KB.
    const body = (files) => {
      const data = new FormData(form);
      if (!files) form.querySelectorAll('input[type="file"]').forEach((i) => data.delete(i.name));
      return data;
    };
    const send = (data, keepalive) => {
      const request = fetch(autosave, { method: "POST", body: data, keepalive, credentials: "same-origin" })
        .then((r) => {
          const after = r.headers.get("Answers-Shown"); // the fingerprints of what is now saved
          if (r.ok && shown && after !== null) shown.value = after;
        })
        .catch(() => { dirty = true; })
        .finally(() => { if (pending === request) pending = null; });
      pending = request;
      return request;
    };
    const background = () => {
      if (!dirty) return;
      dirty = false;
      send(body(false), true); // keepalive: the page may be going away
    };
    // Waiting has a limit: a save that never answers must not hold the supplier on the page.
    const settled = (promise) => Promise.race([promise, new Promise((done) => setTimeout(done, 10000))]);

    form.addEventListener("submit", (event) => {
      if (pending) {
        event.preventDefault();
        const button = event.submitter;
        settled(pending).then(() => { pending = null; form.requestSubmit(button); });
        return;
      }
      dirty = false;
    });
    document.addEventListener("click", (event) => {
      const link = event.target.closest("a[href]");
      if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      if ((link.target && link.target !== "_self") || link.hasAttribute("download")) return;
      const to = new URL(link.href, location.href);
      if (to.hash && to.href.split("#")[0] === location.href.split("#")[0]) return; // same page
      if (!dirty && !pending) return;
      event.preventDefault();
      const saved = settled(pending || Promise.resolve()).then(() => {
        if (!dirty) return null;
        dirty = false;
        return send(body(true), false);
      });
      settled(saved).then(() => { location.href = link.href; });
    });
    document.addEventListener("visibilitychange", () => { if (document.visibilityState === "hidden") background(); });
    window.addEventListener("pagehide", background);
  }
})();
