/* Publications: filter box and type chips, "+N more" authors, previews of inline citations.
   Progressive enhancement: without JavaScript every entry and author shows and toggles are <details>. */
"use strict";

(function () {
  const KIND_LABELS = { conference: "Conference", journal: "Journal", preprint: "Preprint", other: "Other" };

  function normalise(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function kindOf(item) {
    const match = Array.from(item.classList).find((name) => name.startsWith("pub-kind-"));
    return match ? match.slice("pub-kind-".length) : "other";
  }

  /* -- Filter ------------------------------------------------------------------------------------ */
  function setUpFilter(controls) {
    const scope = controls.closest("section") || document;
    const items = Array.from(scope.querySelectorAll("section.pub-year li.pub-entry"));
    if (!items.length) return;
    const haystacks = new Map(items.map((item) => [item, normalise(item.textContent)]));
    const counts = {};
    items.forEach((item) => { counts[kindOf(item)] = (counts[kindOf(item)] || 0) + 1; });

    const form = document.createElement("form");
    form.className = "pub-filter";
    form.setAttribute("role", "search");
    form.addEventListener("submit", (event) => event.preventDefault());

    const label = document.createElement("label");
    label.htmlFor = "pub-filter-input";
    label.textContent = "Filter publications";
    const input = document.createElement("input");
    input.type = "search";
    input.id = "pub-filter-input";
    input.placeholder = "Title, author, venue or year";
    input.autocomplete = "off";

    const chips = document.createElement("div");
    chips.className = "pub-chips";
    chips.setAttribute("role", "group");
    chips.setAttribute("aria-label", "Publication types");
    const active = new Set();
    Object.keys(KIND_LABELS).filter((kind) => counts[kind]).forEach((kind) => {
      const chip = document.createElement("button");
      chip.type = "button";
      chip.className = "pub-chip";
      chip.dataset.kind = kind;
      chip.setAttribute("aria-pressed", "false");
      chip.textContent = `${KIND_LABELS[kind]} (${counts[kind]})`;
      chip.addEventListener("click", () => {
        if (active.has(kind)) active.delete(kind); else active.add(kind);
        chip.setAttribute("aria-pressed", String(active.has(kind)));
        apply();
      });
      chips.appendChild(chip);
    });

    const status = document.createElement("p");
    status.className = "pub-filter-status";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");

    form.append(label, input, chips, status);
    controls.appendChild(form);

    function apply() {
      const words = normalise(input.value).split(/\s+/).filter(Boolean);
      let shown = 0;
      items.forEach((item) => {
        const text = haystacks.get(item);
        const visible = words.every((word) => text.includes(word)) && (!active.size || active.has(kindOf(item)));
        item.hidden = !visible;
        if (visible) shown += 1;
      });
      scope.querySelectorAll("section.pub-year").forEach((section) => {
        section.hidden = !section.querySelector("li.pub-entry:not([hidden])");
      });
      const filtered = words.length || active.size;
      status.textContent = filtered ? `Showing ${shown} of ${items.length} publications.` : "";
      const url = new URL(window.location.href);
      if (input.value.trim()) url.searchParams.set("filter", input.value.trim()); else url.searchParams.delete("filter");
      window.history.replaceState(null, "", url);
    }

    input.addEventListener("input", apply);
    const initial = new URL(window.location.href).searchParams.get("filter");
    if (initial) {
      input.value = initial;
      apply();
    }
  }

  /* -- "+N more" authors ------------------------------------------------------------------------- */
  function setUpAuthorLists() {
    document.querySelectorAll("p.pub-authors").forEach((line, index) => {
      const hidden = line.querySelectorAll(".author-hidden");
      if (!hidden.length) return;
      const count = Array.from(hidden).reduce((sum, span) => sum + span.textContent.split(",").length - 1, 0);
      const listId = line.id || `pub-authors-${index}`;
      line.id = listId;
      const button = document.createElement("button");
      button.type = "button";
      button.className = "pub-more-authors";
      button.setAttribute("aria-expanded", "false");
      button.setAttribute("aria-controls", listId);
      const collapsedText = `+${count} more`;
      button.textContent = collapsedText;
      button.setAttribute("aria-label", `Show all authors (${count} more)`);
      button.addEventListener("click", () => {
        const expand = !line.classList.contains("is-expanded");
        line.classList.toggle("is-expanded", expand);
        button.setAttribute("aria-expanded", String(expand));
        button.textContent = expand ? "show fewer" : collapsedText;
        button.setAttribute("aria-label", expand ? "Show fewer authors" : `Show all authors (${count} more)`);
      });
      line.append(" ", button);
    });
  }

  /* -- Citation previews --------------------------------------------------------------------------- */
  function setUpPreviews() {
    const links = document.querySelectorAll(".bibtex-citation a[title]");
    if (!links.length) return;
    const tip = document.createElement("div");
    tip.className = "pub-preview";
    tip.id = "pub-preview";
    tip.setAttribute("role", "tooltip");
    tip.hidden = true;
    document.body.appendChild(tip);
    let owner = null;
    let hideTimer = null;

    function show(link) {
      window.clearTimeout(hideTimer);
      const text = link.dataset.preview;
      const cut = text.lastIndexOf(" — ");
      const heading = document.createElement("strong");
      heading.textContent = cut < 0 ? text : text.slice(0, cut);
      const where = document.createElement("span");
      where.textContent = cut < 0 ? "" : text.slice(cut + 3);
      tip.replaceChildren(heading, where);
      tip.hidden = false;
      owner = link;
      link.setAttribute("aria-describedby", tip.id);
      const box = link.getBoundingClientRect();
      const width = Math.min(360, document.documentElement.clientWidth - 16);
      tip.style.maxWidth = `${width}px`;
      const left = Math.max(8, Math.min(box.left + window.scrollX, window.scrollX + document.documentElement.clientWidth - width - 8));
      tip.style.left = `${left}px`;
      // Below the link, or above it when the viewport has no room below.
      const below = box.bottom + 6 + tip.offsetHeight <= document.documentElement.clientHeight;
      const top = below ? box.bottom + 6 : box.top - 6 - tip.offsetHeight;
      tip.style.top = `${top + window.scrollY}px`;
    }

    function hide() {
      tip.hidden = true;
      if (owner) owner.removeAttribute("aria-describedby");
      owner = null;
    }

    function hideSoon() {
      window.clearTimeout(hideTimer);
      hideTimer = window.setTimeout(hide, 150);
    }

    links.forEach((link) => {
      // The custom preview replaces the native tooltip, which keyboards cannot open.
      link.dataset.preview = link.title;
      link.removeAttribute("title");
      link.addEventListener("mouseenter", () => show(link));
      link.addEventListener("mouseleave", hideSoon);
      link.addEventListener("focus", () => show(link));
      link.addEventListener("blur", hide);
    });
    tip.addEventListener("mouseenter", () => window.clearTimeout(hideTimer));
    tip.addEventListener("mouseleave", hideSoon);
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && !tip.hidden) hide();
    });
  }

  /* -- BibTeX blocks of a list: a tab stop when they scroll ------------------------------------------ */
  /* They are divs, not pres (see nodes.py): the theme's pass over every pre at start-up would measure
     them all, closed or not. Here only an open one is measured: when its toggle opens, and on resize. */
  function setUpBibtexBlocks() {
    const measure = (block) => {
      block.tabIndex = block.scrollWidth > block.clientWidth || block.scrollHeight > block.clientHeight ? 0 : -1;
    };
    document.querySelectorAll("details.pub-bibtex").forEach((toggle) => {
      toggle.addEventListener("toggle", () => {
        if (toggle.open) toggle.querySelectorAll("div.pub-bibtex-text").forEach(measure);
      });
    });
    let timer = null;
    window.addEventListener("resize", () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(() => {
        document.querySelectorAll("details.pub-bibtex[open] div.pub-bibtex-text").forEach(measure);
      }, 300);
    });
  }

  /* -- Copy buttons of the list's BibTeX blocks ----------------------------------------------------- */
  /* sphinx-copybutton's button, markup and tooltip (its stylesheet styles it), for the divs that it does
     not select (conf.py), so that a page whose only code is BibTeX loads neither of its scripts (6 KB). */
  const ICON_PATHS = {
    copy: '<rect x="8" y="8" width="12" height="12" rx="2" /><path d="M16 8v-2a2 2 0 0 0 -2 -2h-8a2 2 0 0 0 -2 2v8a2 2 0 0 0 2 2h2" />',
    check: '<path d="M5 12l5 5l10 -10" />',
  };
  function icon(kind) {
    const [title, stroke, width] = kind === "copy" ? ["Copy to clipboard", "#000000", "1.5"] : ["Copied!", "#22863a", "2"];
    return `<svg xmlns="http://www.w3.org/2000/svg" class="icon icon-tabler icon-tabler-${kind}" width="44" height="44" ` +
      `viewBox="0 0 24 24" stroke-width="${width}" stroke="${stroke}" fill="none" stroke-linecap="round" ` +
      `stroke-linejoin="round"><title>${title}</title><path stroke="none" d="M0 0h24v24H0z" fill="none"/>` +
      `${ICON_PATHS[kind]}</svg>`;
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    // A page opened from a file or over plain HTTP has no Clipboard API: copy through a selection.
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    const copied = document.execCommand("copy");
    area.remove();
    return copied ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  function setUpCopyButtons() {
    document.querySelectorAll("div.highlight > div.pub-bibtex-text").forEach((block) => {
      const button = document.createElement("button");
      button.className = "copybtn o-tooltip--left";
      button.dataset.tooltip = "Copy";
      button.innerHTML = icon("copy");
      button.addEventListener("click", () => {
        copyText(block.textContent).then(
          () => {
            button.dataset.tooltip = "Copied!";
            button.classList.add("success");
            button.innerHTML = icon("check");
            window.setTimeout(() => button.classList.remove("success"), 1500);
            window.setTimeout(() => {
              button.dataset.tooltip = "Copy";
              button.innerHTML = icon("copy");
            }, 2000);
          },
          () => {
            button.dataset.tooltip = "Failed to copy";
            window.setTimeout(() => { button.dataset.tooltip = "Copy"; }, 2000);
          },
        );
      });
      block.after(button);
    });
  }

  function init() {
    setUpBibtexBlocks();
    setUpCopyButtons();
    document.querySelectorAll(".pub-controls").forEach(setUpFilter);
    setUpAuthorLists();
    setUpPreviews();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
