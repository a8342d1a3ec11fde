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
