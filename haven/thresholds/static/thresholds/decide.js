// The guided threshold decision: work out the suggested level as indicators are ticked (the
// same rules as haven/thresholds/suggestion.py; the server works it out again on saving),
// follow the suggestion with the chosen level until the user picks one, and show what the
// chosen level means in practice.
(function () {
  "use strict";
  var form = document.querySelector("[data-threshold-form]");
  if (!form) return;
  var cluster = parseInt(form.getAttribute("data-cluster"), 10) || 0;
  var radios = Array.prototype.slice.call(form.querySelectorAll("input[name=chosen_level]"));
  var boxes = Array.prototype.slice.call(form.querySelectorAll("input[name=indicator]"));
  var top = radios.length - 1;
  var touched = false;
  var suggestedName = form.querySelector("[data-suggested-name]");
  var suggestedReason = form.querySelector("[data-suggested-reason]");
  var chosenName = form.querySelector("[data-chosen-name]");
  var chosenResponse = form.querySelector("[data-chosen-response]");
  var differsHint = form.querySelector("[data-differs-hint]");
  var button = form.querySelector("[data-suggest-button]");
  if (button) button.hidden = true;

  function suggest() {
    var ticked = boxes.filter(function (b) { return b.checked; });
    if (!ticked.length) return [0, "No indicators ticked yet."];
    if (ticked.some(function (b) { return b.getAttribute("data-escalate"); })) {
      return [top, "An indicator that always calls for the top level is ticked."];
    }
    var domainsAt = {};
    ticked.forEach(function (b) {
      var level = Math.min(parseInt(b.getAttribute("data-level"), 10), top);
      (domainsAt[level] = domainsAt[level] || {})[b.getAttribute("data-domain")] = true;
    });
    var levels = Object.keys(domainsAt).map(Number);
    var best = Math.max.apply(null, levels);
    var reason = "The highest level among the ticked indicators.";
    if (cluster > 0) {
      levels.forEach(function (level) {
        var span = Object.keys(domainsAt[level]).length;
        var raised = Math.min(level + 1, top);
        if (span >= cluster && raised > best) {
          best = raised;
          reason = "Indicators at one level span " + span +
            " domains: together they point to the level above.";
        }
      });
    }
    return [best, reason];
  }

  function radioAt(position) {
    return radios.filter(function (r) { return r.getAttribute("data-position") === String(position); })[0];
  }

  function update() {
    var result = suggest();
    var suggested = radioAt(result[0]);
    suggestedName.textContent = suggested.getAttribute("data-name");
    suggestedReason.textContent = result[1];
    if (!touched) suggested.checked = true;
    var chosen = radios.filter(function (r) { return r.checked; })[0];
    if (chosen) {
      chosenName.textContent = chosen.getAttribute("data-name");
      chosenResponse.textContent = chosen.getAttribute("data-response") || "–";
      differsHint.textContent = chosen === suggested
        ? "Needed only if you choose a level other than the suggestion."
        : "You have chosen a different level from the suggestion: say why.";
    }
  }

  boxes.forEach(function (b) { b.addEventListener("change", update); });
  radios.forEach(function (r) {
    r.addEventListener("change", function () { touched = true; update(); });
  });
  if (form.querySelector("[data-error-summary]") || document.querySelector("[data-error-summary]")) {
    touched = true;  // the user's choice came back with an error: keep it
  }
  update();
})();
