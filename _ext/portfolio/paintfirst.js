// portfolio.paintfirst's loader (see its docstring), added by the page after its first frame. The build
// fills in its settings and writes one copy per content; a page lists its scripts in
// <script type="application/json" data-portfolio-paint-first>.
(function () {
  var root = document.documentElement;
  var listing = document.querySelector('script[type="application/json"][data-portfolio-paint-first]');
  var scripts = listing ? JSON.parse(listing.textContent) : [];
  var started = false, interacted = false, held = [];
  var requested = {
    "search-terms": function () {
      if (/[?&]highlight=/.test(location.search)) return true;
      try { return !!localStorage.getItem("sphinx_highlight_terms"); } catch (error) { return false; }
    }
  };
  var interactions = %(interactions)s, heldKeys = %(held_keys)s;
  var later = scripts.filter(function (item) { return item.when === "interaction"; });

  function add(items, done) {
    if (!items.length) return done();
    items.forEach(function (item, index) {
      var script = document.createElement("script");
      Object.keys(item.attributes || {}).forEach(function (name) {
        script.setAttribute(name, item.attributes[name]);
      });
      script.src = item.src || "data:text/javascript;charset=utf-8," + encodeURIComponent(item.code);
      script.async = false;
      if (index === items.length - 1) script.addEventListener("load", done);
      document.body.appendChild(script);
    });
  }

  function start() {
    if (started) return;
    started = true;
    var now = scripts.filter(function (item) { return !item.when || (requested[item.when] || Boolean)(); });
    add(now, function () { root.dataset.scripts = "loaded"; });
  }

  // Until the scripts a visitor's first action adds have run, a click on a control they drive (and a key
  // of its menu) is held, and given again once they ran; so is the pointer or focus a tooltip waits for.
  function hold(event) {
    var control = event.target.closest && event.target.closest(%(held)s);
    if (!control || (event.type === "keydown" && heldKeys.indexOf(event.key) < 0)) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    held.push({ control: control, event: event });
    interact();
  }

  function ran() {
    removeEventListener("click", hold, true);
    removeEventListener("keydown", hold, true);
    root.dataset.scriptsOnInteraction = "loaded";
    document.querySelectorAll(%(entered)s).forEach(function (control) {
      if (control.matches(":hover")) control.dispatchEvent(new MouseEvent("mouseover", { bubbles: true }));
      if (control === document.activeElement) control.dispatchEvent(new FocusEvent("focusin", { bubbles: true }));
    });
    held.forEach(function (entry) {
      if (entry.event.type === "click") return entry.control.click();
      entry.control.dispatchEvent(new KeyboardEvent("keydown", {
        key: entry.event.key, code: entry.event.code, shiftKey: entry.event.shiftKey,
        bubbles: true, cancelable: true
      }));
    });
  }

  function interact() {
    if (interacted) return;
    interacted = true;
    interactions.forEach(function (name) { removeEventListener(name, interact, true); });
    start();
    add(later, ran);
  }

  if (later.length) {
    addEventListener("click", hold, true);
    addEventListener("keydown", hold, true);
    interactions.forEach(function (name) { addEventListener(name, interact, { capture: true, passive: true }); });
  }
  start();
})();
