// A stand-in for Bootstrap's data API: a dropdown opened by a click, a key of its menu, a tooltip's hover.
window.order = window.order || [];
window.order.push("bootstrap");
window.clicks = 0;
window.keys = [];
document.addEventListener("click", (event) => {
  const toggle = event.target.closest('[data-bs-toggle="dropdown"]');
  if (!toggle) return;
  window.clicks += 1;
  document.getElementById(toggle.getAttribute("aria-controls")).hidden = false;
});
document.addEventListener("keydown", (event) => {
  if (event.target.closest('[data-bs-toggle="dropdown"]')) window.keys.push(event.key);
});
document.querySelectorAll('[data-bs-toggle="tooltip"]').forEach((control) => {
  control.addEventListener("mouseover", () => { control.dataset.shown = "hover"; });
  control.addEventListener("focusin", () => { control.dataset.shown = "focus"; });
});
