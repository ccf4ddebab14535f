document.addEventListener("DOMContentLoaded", () => document.body.classList.add("added-by-script"));
