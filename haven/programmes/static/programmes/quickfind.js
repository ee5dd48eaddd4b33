/* Quick find: a <select data-quickfind> (services, children) becomes a combobox that finds
   an entry by typing its code or any part of its name — "SF: Nur", "nursery" — in the
   ARIA combobox pattern: labelled by the field's own label, arrow keys to move, Enter to
   choose, Escape to close, and the number of matches announced. The select stays in the
   form (hidden) and carries the value, so without scripts the plain list still works. */
(function () {
  "use strict";
  var LIMIT = 50;
  var counter = 0;

  function words(text) {
    return text.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
  }
  function matches(label, query) {
    var hay = label.toLowerCase();
    return words(query).every(function (w) { return hay.indexOf(w) !== -1; });
  }

  function enhance(select) {
    if (select.getAttribute("data-quickfind-ready")) return;
    select.setAttribute("data-quickfind-ready", "1");
    var id = select.id || "quickfind-" + (++counter);
    var label = document.querySelector('label[for="' + id + '"]');
    var wrapper = document.createElement("div");
    wrapper.className = "quickfind";
    var input = document.createElement("input");
    input.type = "text";
    input.id = id;
    input.className = "quickfind__input";
    input.autocomplete = "off";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    var list = document.createElement("ul");
    list.id = id + "-listbox";
    list.className = "quickfind__list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    input.setAttribute("aria-controls", list.id);
    if (label) {
      if (!label.id) label.id = id + "-label";
      list.setAttribute("aria-labelledby", label.id);
    }
    var hint = document.createElement("span");
    hint.id = id + "-quickfind-hint";
    hint.className = "visually-hidden";
    hint.textContent = "Type a code or part of a name, then choose with the arrow keys and Enter.";
    var described = select.getAttribute("aria-describedby");
    input.setAttribute("aria-describedby", (described ? described + " " : "") + hint.id);
    var status = document.createElement("span");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    if (select.hasAttribute("autofocus")) { select.removeAttribute("autofocus"); input.autofocus = true; }
    select.id = id + "-select";
    select.hidden = true;
    select.tabIndex = -1;
    select.setAttribute("aria-hidden", "true");
    select.parentNode.insertBefore(wrapper, select);
    [input, list, hint, status, select].forEach(function (el) { wrapper.appendChild(el); });

    var options = Array.prototype.filter.call(select.options, function (o) { return o.value !== ""; });
    var shown = [];
    var active = -1;

    function chosenText() {
      var o = select.options[select.selectedIndex];
      return o && o.value ? o.text : "";
    }
    function setOpen(open) {
      list.hidden = !open;
      input.setAttribute("aria-expanded", open ? "true" : "false");
      if (!open) { active = -1; input.removeAttribute("aria-activedescendant"); }
    }
    function mark() {
      Array.prototype.forEach.call(list.children, function (li, i) {
        li.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      if (active >= 0) {
        var current = list.children[active];
        input.setAttribute("aria-activedescendant", current.id);
        current.scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }
    function render(query) {
      shown = options.filter(function (o) { return matches(o.text, query); });
      list.textContent = "";
      shown.slice(0, LIMIT).forEach(function (o, i) {
        var li = document.createElement("li");
        li.id = id + "-option-" + i;
        li.className = "quickfind__option";
        li.setAttribute("role", "option");
        li.textContent = o.text;
        li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(o); });
        list.appendChild(li);
      });
      active = -1;
      mark();
      setOpen(shown.length > 0);
      var n = shown.length;
      status.textContent = n === 0 ? "No matches." : n + (n === 1 ? " match" : " matches") +
        (n > LIMIT ? ", showing the first " + LIMIT + ". Type more to narrow them." : ".");
    }
    function choose(option) {
      var before = select.value;
      select.value = option ? option.value : "";
      input.value = option ? option.text : "";
      setOpen(false);
      status.textContent = option ? option.text + " chosen." : "";
      if (select.value !== before) {
        select.dispatchEvent(new Event("change", { bubbles: true }));
      }
    }
    function settle() {
      // Leaving the field: keep an exact or single match; otherwise nothing is chosen, and
      // saving will say so rather than store a guess.
      var text = input.value.trim();
      if (!text) { choose(null); return; }
      if (text === chosenText()) { setOpen(false); return; }
      var exact = options.filter(function (o) { return o.text.toLowerCase() === text.toLowerCase(); });
      var found = exact.length ? exact : options.filter(function (o) { return matches(o.text, text); });
      if (found.length === 1) { choose(found[0]); return; }
      var before = select.value;
      select.value = "";
      setOpen(false);
      if (before !== "") select.dispatchEvent(new Event("change", { bubbles: true }));
    }

    input.value = chosenText();
    input.addEventListener("input", function () { render(input.value); });
    input.addEventListener("blur", settle);
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        if (list.hidden) { render(input.value === chosenText() ? "" : input.value); }
        var count = Math.min(shown.length, LIMIT);
        if (!count) return;
        active = e.key === "ArrowDown" ? (active + 1) % count : (active <= 0 ? count - 1 : active - 1);
        mark();
      } else if (e.key === "Enter") {
        if (!list.hidden && active >= 0) { e.preventDefault(); choose(shown[active]); }
        else if (!list.hidden && shown.length === 1) { e.preventDefault(); choose(shown[0]); }
      } else if (e.key === "Escape") {
        if (!list.hidden) { e.preventDefault(); setOpen(false); input.value = chosenText(); }
      }
    });
  }

  function enhanceAll(root) {
    (root || document).querySelectorAll("select[data-quickfind]").forEach(enhance);
  }
  enhanceAll(document);
  document.addEventListener("htmx:load", function (e) { enhanceAll(e.target); });
})();
