/* The body map on a form (haven/safeguarding/bodymap.py, BodyMapWidget).

   The hidden input holds the marks as JSON and is the only thing the server reads; this
   script draws the marks on the outlines, places new ones by pointer, by keyboard (focus an
   outline, move the cross with the arrow keys, Enter) or by body area, lets each mark's type,
   size and note be edited or the mark removed, and writes the JSON back after every change.
   No inline script or style anywhere (strict content security policy). */
(function () {
  "use strict";
  if (window.HavenBodyMap) return; // the widget's template may be on a page twice
  var SVG = "http://www.w3.org/2000/svg";
  var KEYS = ["side", "x", "y", "kind", "size", "note"];
  var STEP = 2;
  var BIG_STEP = 10;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function svgEl(tag, attrs, text) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function clamp(v) { return Math.max(0, Math.min(100, v)); }
  function round1(v) { return Math.round(v * 10) / 10; }
  function readJSON(text, fallback) {
    try { return JSON.parse(text); } catch (e) { return fallback; }
  }

  function BodyMap(root) {
    this.root = root;
    this.input = root.querySelector("[data-body-map-input]");
    this.regions = readJSON(root.getAttribute("data-regions"), { front: [], back: [] });
    this.kinds = readJSON(root.getAttribute("data-kinds"), {});
    this.maxMarks = parseInt(root.getAttribute("data-max-marks") || "50", 10);
    this.maxSize = root.getAttribute("data-max-size") || "60";
    this.maxNote = root.getAttribute("data-max-note") || "500";
    this.list = root.querySelector("[data-mark-list]");
    this.empty = root.querySelector("[data-empty]");
    this.announcer = root.querySelector("[data-announce]");
    this.id = root.id;
    var parsed = readJSON(this.input.value, []);
    // Keep whatever was typed, even a mark the server refused, so nothing is lost.
    this.marks = (Array.isArray(parsed) ? parsed : []).filter(function (m) {
      return m && typeof m === "object" && !Array.isArray(m);
    });
    this.cross = { front: { x: 50, y: 45 }, back: { x: 50, y: 45 } };
    this.crossRegion = {};
    this.svgs = Array.prototype.slice.call(root.querySelectorAll("svg[data-side]"));
    this.start();
  }

  BodyMap.prototype.start = function () {
    var self = this;
    var fallback = self.root.querySelector("[data-body-map-fallback]");
    if (fallback) fallback.parentNode.removeChild(fallback);
    self.root.querySelectorAll("[data-body-map-script-only]").forEach(function (n) { n.hidden = false; });
    self.svgs.forEach(function (svg) {
      var label = svg.getAttribute("data-label");
      svg.setAttribute("tabindex", "0");
      svg.setAttribute("role", "application");
      svg.setAttribute("aria-roledescription", "body outline");
      svg.setAttribute("aria-label", label + " of the body: arrow keys move the cross, Enter places a mark");
      svg.setAttribute("aria-describedby", self.id + "_how");
      svg.addEventListener("click", function (e) { self.onClick(svg, e); });
      svg.addEventListener("keydown", function (e) { self.onKey(svg, e); });
      svg.addEventListener("focus", function () { self.showCross(svg, true); });
      svg.addEventListener("blur", function () { self.showCross(svg, false); });
    });
    var addButton = self.root.querySelector("[data-add-area]");
    var area = self.root.querySelector("[data-area]");
    if (addButton && area) {
      addButton.addEventListener("click", function () {
        var parts = area.value.split(":");
        var region = (self.regions[parts[0]] || [])[parseInt(parts[1], 10)];
        if (region) self.add(parts[0], region[1], region[2]);
      });
    }
    self.render();
  };

  /* --- Words for positions: the same table and the same distance as bodymap.py. --- */
  BodyMap.prototype.regionName = function (side, x, y) {
    var regions = this.regions[side] || this.regions.front || [];
    var best = null;
    var bestDistance = Infinity;
    regions.forEach(function (r) {
      var d = Math.pow((r[1] - x) * 200, 2) + Math.pow((r[2] - y) * 400, 2);
      if (d < bestDistance) { bestDistance = d; best = r[0]; }
    });
    return best || "";
  };
  BodyMap.prototype.describe = function (mark) {
    var side = mark.side === "back" ? "back" : "front";
    return side + ", near the " + this.regionName(side, Number(mark.x), Number(mark.y));
  };
  BodyMap.prototype.announce = function (text) {
    // Clear first so the same words twice are still read out.
    var a = this.announcer;
    a.textContent = "";
    window.setTimeout(function () { a.textContent = text; }, 50);
  };

  /* --- Placing marks. --- */
  BodyMap.prototype.add = function (side, x, y) {
    if (this.marks.length >= this.maxMarks) {
      this.announce("A body map holds " + this.maxMarks + " marks at most. Describe any others in the account.");
      return;
    }
    var mark = { side: side, x: round1(clamp(x)), y: round1(clamp(y)), kind: "", size: "", note: "" };
    this.marks.push(mark);
    this.save();
    this.render();
    var number = this.marks.length;
    this.announce("Mark " + number + " placed: " + this.describe(mark) + ". Choose its type.");
    var kind = this.list.querySelector("#" + this.id + "_mark-" + (number - 1) + "-kind");
    if (kind) kind.focus();
  };
  BodyMap.prototype.pointIn = function (svg, event) {
    var matrix = svg.getScreenCTM();
    if (!matrix) return null;
    var point = svg.createSVGPoint();
    point.x = event.clientX;
    point.y = event.clientY;
    var p = point.matrixTransform(matrix.inverse());
    return { x: clamp(p.x / 2), y: clamp(p.y / 4) };
  };
  BodyMap.prototype.onClick = function (svg, event) {
    var marker = event.target.closest("[data-index]");
    if (marker) {
      // Clicking a mark goes to its details, to edit them.
      var kind = this.list.querySelector("#" + this.id + "_mark-" + marker.getAttribute("data-index") + "-kind");
      if (kind) kind.focus();
      return;
    }
    var p = this.pointIn(svg, event);
    if (p) this.add(svg.getAttribute("data-side"), p.x, p.y);
  };
  BodyMap.prototype.onKey = function (svg, event) {
    var side = svg.getAttribute("data-side");
    var cross = this.cross[side];
    var step = event.shiftKey ? BIG_STEP : STEP;
    var moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
    if (moves[event.key]) {
      event.preventDefault();
      // A step down is a smaller share of the taller box, so it looks the same size.
      cross.x = round1(clamp(cross.x + moves[event.key][0]));
      cross.y = round1(clamp(cross.y + moves[event.key][1] / 2));
      this.showCross(svg, true);
      var region = this.regionName(side, cross.x, cross.y);
      if (region !== this.crossRegion[side]) {
        this.crossRegion[side] = region;
        this.announce(region);
      }
    } else if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      this.add(side, cross.x, cross.y);
    }
  };
  BodyMap.prototype.showCross = function (svg, visible) {
    var cross = this.cross[svg.getAttribute("data-side")];
    var g = svg.querySelector("[data-crosshair]");
    g.setAttribute("transform", "translate(" + cross.x * 2 + " " + cross.y * 4 + ")");
    g.setAttribute("display", visible ? "inline" : "none");
  };

  /* --- Keeping the hidden input up to date. --- */
  BodyMap.prototype.save = function () {
    var clean = this.marks.map(function (m) {
      var out = {};
      KEYS.forEach(function (k) { if (k in m) out[k] = m[k]; });
      return out;
    });
    this.input.value = JSON.stringify(clean);
    // Tell the form something changed, so its draft is saved.
    this.input.dispatchEvent(new Event("input", { bubbles: true }));
  };
  BodyMap.prototype.remove = function (index) {
    var mark = this.marks[index];
    this.marks.splice(index, 1);
    this.save();
    this.render();
    var left = this.marks.length;
    this.announce("Mark " + (index + 1) + " (" + this.describe(mark) + ") removed. " +
      (left ? left + " mark" + (left === 1 ? "" : "s") + " left; the marks after it are renumbered." : "No marks left."));
    // Keep focus in the list: the mark now in that place, or the list's title.
    var next = this.list.querySelector("#" + this.id + "_mark-" + Math.min(index, left - 1) + "-kind");
    (next || document.getElementById(this.id + "_marks")).focus();
  };

  /* --- Drawing. --- */
  BodyMap.prototype.render = function () {
    this.renderMarkers();
    this.renderList();
  };
  BodyMap.prototype.renderMarkers = function () {
    var self = this;
    self.svgs.forEach(function (svg) {
      var side = svg.getAttribute("data-side");
      var layer = svg.querySelector("[data-markers]");
      while (layer.firstChild) layer.removeChild(layer.firstChild);
      self.marks.forEach(function (m, i) {
        if ((m.side === "back" ? "back" : "front") !== side) return;
        var x = clamp(Number(m.x) || 0) * 2;
        var y = clamp(Number(m.y) || 0) * 4;
        var g = svgEl("g", { "data-index": String(i), "class": "body-map__marker" });
        g.appendChild(svgEl("circle", { cx: x, cy: y, r: 9, fill: "#b10e1e", stroke: "#ffffff", "stroke-width": 1.5 }));
        g.appendChild(svgEl("text", { x: x, y: y, dy: 4, "text-anchor": "middle", "font-size": 11,
          "font-weight": "bold", "font-family": "sans-serif", fill: "#ffffff" }, String(i + 1)));
        layer.appendChild(g);
      });
    });
  };
  BodyMap.prototype.field = function (index, key, label, control) {
    var wrap = el("div", key === "note" ? { "class": "body-map__note" } : {});
    var id = this.id + "_mark-" + index + "-" + key;
    control.id = id;
    wrap.appendChild(el("label", { "for": id }, label));
    wrap.appendChild(control);
    var self = this;
    control.addEventListener(control.tagName === "SELECT" ? "change" : "input", function () {
      self.marks[index][key] = control.value;
      self.save();
    });
    return wrap;
  };
  BodyMap.prototype.renderList = function () {
    var self = this;
    while (self.list.firstChild) self.list.removeChild(self.list.firstChild);
    self.empty.hidden = self.marks.length > 0;
    self.marks.forEach(function (m, i) {
      var item = el("li", { "class": "body-map__mark" });
      var fieldset = el("fieldset", { "class": "fieldset" });
      fieldset.appendChild(el("legend", {}, "Mark " + (i + 1) + ": " + self.describe(m)));
      var fields = el("div", { "class": "body-map__mark-fields" });

      var kind = el("select");
      kind.appendChild(el("option", { value: "" }, "Choose a type"));
      Object.keys(self.kinds).forEach(function (k) {
        var option = el("option", { value: k }, self.kinds[k]);
        if (m.kind === k) option.selected = true;
        kind.appendChild(option);
      });
      fields.appendChild(self.field(i, "kind", "Type", kind));

      var size = el("input", { type: "text", maxlength: self.maxSize, autocomplete: "off" });
      size.value = typeof m.size === "string" ? m.size : "";
      fields.appendChild(self.field(i, "size", "Size (optional)", size));

      var note = el("textarea", { rows: "2", maxlength: self.maxNote });
      note.value = typeof m.note === "string" ? m.note : "";
      fields.appendChild(self.field(i, "note", "Note (optional)", note));

      var remove = el("button", { type: "button", "class": "button button--secondary button--small" }, "Remove mark " + (i + 1));
      remove.addEventListener("click", function () { self.remove(i); });
      fields.appendChild(el("div", { "class": "body-map__remove" })).appendChild(remove);

      fieldset.appendChild(fields);
      item.appendChild(fieldset);
      self.list.appendChild(item);
    });
  };

  function startAll() {
    document.querySelectorAll("[data-body-map]").forEach(function (root) {
      if (!root._bodyMap) root._bodyMap = new BodyMap(root);
    });
  }
  window.HavenBodyMap = { start: startAll };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", startAll);
  } else {
    startAll();
  }
})();
