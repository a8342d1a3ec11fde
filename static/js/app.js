// Progressive enhancement only: every page works without this file.
document.documentElement.classList.add("js");
document.addEventListener("DOMContentLoaded", () => {
  const toggle = document.querySelector(".menu-toggle");
  const nav = document.getElementById("nav");
  if (toggle && nav) {
    toggle.addEventListener("click", () => {
      const open = nav.classList.toggle("open");
      toggle.setAttribute("aria-expanded", String(open));
    });
  }
});

// Long submissions (imports) say that they are working and cannot be sent twice.
document.addEventListener("submit", (event) => {
  const form = event.target;
  const label = form.dataset && form.dataset.busy;
  const button = form.querySelector("button[type=submit]");
  if (label && button) {
    button.setAttribute("aria-busy", "true");
    button.disabled = true;
    button.textContent = label;
  }
});

// Chain map: pan by dragging, zoom with the wheel or the buttons, highlight search matches.
document.addEventListener("DOMContentLoaded", () => {
  const frame = document.querySelector("[data-map]");
  if (!frame) return;
  const svg = frame.querySelector("svg");
  const full = svg.viewBox.baseVal;
  const home = { x: full.x, y: full.y, w: full.width, h: full.height };
  // A drawing larger than the frame opens at its own size (its text readable), from the top
  // left; drag to see the rest, "Fit" shows it whole.
  const frameBox = frame.getBoundingClientRect();
  const fits = frameBox.width >= home.w && frameBox.height >= home.h;
  let view = fits || frameBox.width === 0 ? { ...home }
    : { x: home.x, y: home.y, w: frameBox.width, h: frameBox.height };
  const apply = () => svg.setAttribute("viewBox", `${view.x} ${view.y} ${view.w} ${view.h}`);
  const zoom = (factor, cx, cy) => {
    const w = Math.min(Math.max(view.w * factor, 200), home.w * 4);
    const h = view.h * (w / view.w);
    const px = cx === undefined ? 0.5 : cx, py = cy === undefined ? 0.5 : cy;
    view = { x: view.x + (view.w - w) * px, y: view.y + (view.h - h) * py, w, h };
    apply();
  };
  svg.removeAttribute("width");
  svg.removeAttribute("height");
  apply();
  frame.querySelectorAll("[data-zoom]").forEach((button) => button.addEventListener("click", () => {
    const how = button.dataset.zoom;
    if (how === "reset") { view = { ...home }; apply(); } else { zoom(how === "in" ? 0.8 : 1.25); }
  }));
  svg.addEventListener("wheel", (event) => {
    event.preventDefault();
    const box = svg.getBoundingClientRect();
    zoom(event.deltaY < 0 ? 0.9 : 1.1, (event.clientX - box.left) / box.width,
         (event.clientY - box.top) / box.height);
  }, { passive: false });
  let drag = null;
  svg.addEventListener("pointerdown", (event) => {
    if (event.target.closest("a")) return;
    drag = { x: event.clientX, y: event.clientY, view: { ...view } };
    svg.setPointerCapture(event.pointerId);
    svg.classList.add("dragging");
  });
  svg.addEventListener("pointermove", (event) => {
    if (!drag) return;
    const box = svg.getBoundingClientRect();
    const scale = view.w / box.width;
    view.x = drag.view.x - (event.clientX - drag.x) * scale;
    view.y = drag.view.y - (event.clientY - drag.y) * scale;
    apply();
  });
  const stop = () => { drag = null; svg.classList.remove("dragging"); };
  svg.addEventListener("pointerup", stop);
  svg.addEventListener("pointercancel", stop);

  const input = document.querySelector("[data-map-search]");
  const nodes = Array.from(svg.querySelectorAll(".node[data-search]"));
  const highlight = () => {
    const needle = input.value.trim().toLowerCase();
    let first = null;
    nodes.forEach((node) => {
      const hit = needle !== "" && node.dataset.search.includes(needle);
      node.classList.toggle("hit", hit);
      node.classList.toggle("dim", needle !== "" && !hit && !node.classList.contains("root"));
      if (hit && !first) first = node;
    });
    if (first) {
      const rect = first.querySelector("rect");
      const x = Number(rect.getAttribute("x")), y = Number(rect.getAttribute("y"));
      view = { x: x - view.w / 2 + Number(rect.getAttribute("width")) / 2, y: y - view.h / 2 + 20, w: view.w, h: view.h };
      apply();
    }
  };
  if (input) {
    input.addEventListener("input", highlight);
    if (input.value) highlight();
  }
});
