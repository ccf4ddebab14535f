document.addEventListener("DOMContentLoaded", () => {
  const icon = document.createElement("i");
  icon.className = "fa-solid fa-rocket";
  document.body.append(icon);
});
