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
      const cond = JSON.parse(raw);
      const parent = form.querySelector(`[data-question="${CSS.escape(cond.question)}"]`);
      const show = parent && !parent.hidden && holds(cond, answer(cond.question));
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

  // Answers are kept when the page is left, however it is left (tab closed, phone locked).
  const autosave = form.dataset.autosave;
  if (autosave) {
    let dirty = false;
    form.addEventListener("input", () => { dirty = true; });
    form.addEventListener("change", () => { dirty = true; });
    form.addEventListener("submit", () => { dirty = false; });
    const save = () => {
      if (!dirty) return;
      dirty = false;
      fetch(autosave, { method: "POST", body: new FormData(form), keepalive: true, credentials: "same-origin" });
    };
    document.addEventListener("visibilitychange", () => { if (document.visibilityState === "hidden") save(); });
    window.addEventListener("pagehide", save);
  }
})();
