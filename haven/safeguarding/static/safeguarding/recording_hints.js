/* Recording quality hints as the account is typed (RecordingHintsTextarea).

   recordingHints() is the same rule as haven/safeguarding/hints.py, step for step; the
   tests run both over the same texts. The hints go into a polite live region below the text
   box, a moment after typing stops, and never take focus. No inline script (strict CSP). */
(function (root) {
  "use strict";

  var PHRASE_SUGGESTION = "This is an opinion. Write down what you saw and heard instead.";
  var CAPITALS_SUGGESTION = "Capitals read as shouting. Write in ordinary sentence case; if someone shouted, say so.";
  var EXCLAMATION_SUGGESTION = "Use one full stop. Describe how loud or upset someone was in words.";
  var INITIALS_SUGGESTION = "Use the person's full name, spelt correctly, instead of their initials.";
  var KINDS = ["phrase", "capitals", "exclamation", "initials"];
  var WORD = "0-9A-Za-z\\u00c0-\\u024f";
  var SEPARATOR = /\s+[—–-]\s+|\s*[—–]\s*/;
  // Short everyday words typed in capitals for emphasis, which are not anyone's initials.
  var EVERYDAY_WORDS = {};
  "AN AS AT BE BY DO GO HE HI IF IN IS IT ME MY NO OF ON OR SO TO UP US WE ALL AND ANY ARE BAD BIG BOY BUT CAN DAD DID FOR GET GOT HAD HAS HER HIM HIS HIT HOT HOW ITS LET MAD MAN MUM NAN NOT NOW OFF OUT OWN RAN RUN SAD SAT SAW SAY SEE SHE THE TOO TOP TRY TWO WAS WAY WHO WHY YES YET YOU".split(" ").forEach(function (w) { EVERYDAY_WORDS[w] = true; });
  var LONG_CAPITAL_WORD = 7;
  var CAPITAL_RUN_LETTERS = 6;
  var DEBOUNCE_MS = 600;

  function hint(kind, text, suggestion, start) {
    return { kind: kind, text: text, suggestion: suggestion, start: start, end: start + text.length };
  }
  function squash(s) { return s.trim().split(/\s+/).join(" "); }
  function letters(s) { return s.replace(/[^A-Za-z]/g, ""); }
  function escapeRegExp(s) { return s.replace(/[.*+?^${}()|[\]\\\/-]/g, "\\$&"); }
  function allMatches(re, text) {
    var out = [];
    var m;
    re.lastIndex = 0;
    while ((m = re.exec(text)) !== null) {
      out.push({ text: m[0], start: m.index, end: m.index + m[0].length });
      if (m[0] === "") re.lastIndex++;
    }
    return out;
  }

  function parsePhrases(entries) {
    var seen = {};
    var parsed = [];
    (entries || []).forEach(function (entry) {
      var text = String(entry).trim();
      var found = SEPARATOR.exec(text);
      var phrase = found ? text.slice(0, found.index) : text;
      var rest = found ? text.slice(found.index + found[0].length).trim() : "";
      phrase = phrase.trim() ? squash(phrase) : "";
      var key = phrase.toLowerCase();
      if (phrase && !Object.prototype.hasOwnProperty.call(seen, key)) {
        seen[key] = true;
        parsed.push([phrase, rest || PHRASE_SUGGESTION]);
      }
    });
    return parsed;
  }

  function phraseHints(text, phrases) {
    var hints = [];
    var claimed = [];
    // Longest first, so "really angry" is one hint rather than two. Sorting by length and
    // then by original position matches Python's stable sort.
    var ordered = phrases.map(function (p, i) { return [p, i]; });
    ordered.sort(function (a, b) { return (b[0][0].length - a[0][0].length) || (a[1] - b[1]); });
    ordered.forEach(function (item) {
      var phrase = item[0][0];
      var body = phrase.split(/\s+/).map(escapeRegExp).join("\\s+");
      var re = new RegExp("(?<![" + WORD + "])" + body + "(?![" + WORD + "])", "gi");
      var matches = allMatches(re, text);
      for (var i = 0; i < matches.length; i++) {
        var m = matches[i];
        var overlaps = claimed.some(function (c) { return m.start < c[1] && c[0] < m.end; });
        if (!overlaps) {
          claimed.push([m.start, m.end]);
          hints.push(hint("phrase", m.text, item[0][1], m.start));
          break;
        }
      }
    });
    return hints;
  }

  function isCapitals(token, abbreviations) {
    var l = letters(token);
    return l.length > 0 && l.toUpperCase() === l && !abbreviations[l];
  }

  function capitalsHint(text, tokens, abbreviations) {
    var run = [];
    for (var i = 0; i <= tokens.length; i++) {
      var token = tokens[i];
      if (token && isCapitals(token.text, abbreviations)) { run.push(token); continue; }
      var count = run.reduce(function (n, t) { return n + letters(t.text).length; }, 0);
      if ((run.length >= 2 && count >= CAPITAL_RUN_LETTERS) || (run.length === 1 && count >= LONG_CAPITAL_WORD)) {
        var start = run[0].start;
        var end = run[run.length - 1].end;
        return [hint("capitals", text.slice(start, end), CAPITALS_SUGGESTION, start)];
      }
      run = [];
    }
    return [];
  }

  function exclamationHint(text) {
    var m = /!(?:\?*!)+/.exec(text);
    return m ? [hint("exclamation", m[0], EXCLAMATION_SUGGESTION, m.index)] : [];
  }

  function initialsHints(text, tokens, abbreviations) {
    var shouting = {};
    tokens.forEach(function (t, i) {
      if (!isCapitals(t.text, abbreviations)) return;
      [i - 1, i + 1].forEach(function (j) {
        var n = tokens[j];
        if (n && letters(n.text).length >= 2 && isCapitals(n.text, abbreviations)) shouting[t.start] = true;
      });
    });
    var re = new RegExp("(?<![" + WORD + "'’.])(?:(?:[A-Z]\\.){1,2}[A-Z]\\.?|[A-Z]{2,3})(?![" + WORD + "'’])", "g");
    var hints = [];
    var seen = {};
    allMatches(re, text).forEach(function (m) {
      var l = m.text.replace(/\./g, "");
      if (abbreviations[l] || EVERYDAY_WORDS[l] || seen[l] || shouting[m.start]) return;
      seen[l] = true;
      hints.push(hint("initials", m.text, INITIALS_SUGGESTION, m.start));
    });
    return hints;
  }

  function recordingHints(text, phrases, abbreviationList) {
    text = text || "";
    if (!text.trim()) return [];
    var abbreviations = {};
    (abbreviationList || []).forEach(function (a) {
      a = String(a).trim();
      if (a) abbreviations[a.toUpperCase()] = true;
    });
    var tokens = allMatches(/[A-Za-z][A-Za-z0-9'’]*/g, text);
    var hints = phraseHints(text, parsePhrases(phrases))
      .concat(capitalsHint(text, tokens, abbreviations))
      .concat(exclamationHint(text))
      .concat(initialsHints(text, tokens, abbreviations));
    hints.sort(function (a, b) {
      return (a.start - b.start) || (KINDS.indexOf(a.kind) - KINDS.indexOf(b.kind)) || (a.end - b.end);
    });
    return hints;
  }

  var api = { recordingHints: recordingHints, parsePhrases: parsePhrases };
  if (typeof module !== "undefined" && module.exports) {
    module.exports = api; // for the tests, under Node
    return;
  }
  if (root.HavenHints) return; // the widget's template may be on a page twice
  root.HavenHints = api;

  /* --- The live hints under each text box. --- */
  function readList(box, name) {
    try { return JSON.parse(box.getAttribute(name) || "[]"); } catch (e) { return []; }
  }
  function render(region, hints) {
    while (region.firstChild) region.removeChild(region.firstChild);
    if (!hints.length) return;
    var title = document.createElement("p");
    title.className = "recording-hints__title";
    title.textContent = "Suggestions for a factual record (they never stop you saving):";
    var list = document.createElement("ul");
    list.className = "recording-hints__list";
    hints.forEach(function (h) {
      var item = document.createElement("li");
      item.className = "recording-hints__hint";
      var quote = document.createElement("q");
      quote.textContent = h.text;
      item.appendChild(quote);
      item.appendChild(document.createTextNode(": " + h.suggestion));
      list.appendChild(item);
    });
    region.appendChild(title);
    region.appendChild(list);
  }
  function start(box) {
    if (box._recordingHints) return;
    box._recordingHints = true;
    var region = document.getElementById(box.getAttribute("data-recording-hints"));
    if (!region) return;
    var phrases = readList(box, "data-phrases");
    var abbreviations = readList(box, "data-abbreviations");
    var shown = JSON.stringify(recordingHints(box.value, phrases, abbreviations).map(function (h) { return [h.kind, h.text]; }));
    var timer = null;
    box.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        var hints = recordingHints(box.value, phrases, abbreviations);
        var key = JSON.stringify(hints.map(function (h) { return [h.kind, h.text]; }));
        // Only touch the live region when the hints change, so nothing is read out twice.
        if (key !== shown) { shown = key; render(region, hints); }
      }, DEBOUNCE_MS);
    });
  }
  function startAll() {
    document.querySelectorAll("textarea[data-recording-hints]").forEach(start);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", startAll);
  } else {
    startAll();
  }
})(typeof window !== "undefined" ? window : this);
