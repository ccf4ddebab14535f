document.addEventListener("DOMContentLoaded", () => { document.body.dataset.waited = "yes"; });
