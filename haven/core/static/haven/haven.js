/* Haven's behaviour in the browser: hide screen, idle warning, autosave of long forms,
   and confirmation of destructive buttons. No inline script anywhere (strict CSP). */
(function () {
  "use strict";
  var body = document.body;
  var csrf = (function () {
    try { return JSON.parse(body.getAttribute("hx-headers") || "{}")["X-CSRFToken"]; } catch (e) { return ""; }
  })();

  function post(url, data) {
    // A redirect here means the session has ended: do not follow it (see "ask" below).
    return fetch(url, { method: "POST", body: data, credentials: "same-origin", redirect: "manual",
      headers: { "X-CSRFToken": csrf, "X-Requested-With": "fetch" } });
  }

  /* --- Hide screen: a button and Alt+Shift+H blank the page at once. --- */
  var cover = document.querySelector("[data-screen-cover]");
  var savedTitle = document.title;
  var savedFocus = null;
  function hideScreen() {
    if (!cover) return;
    savedTitle = document.title;
    savedFocus = document.activeElement;
    document.title = "Haven";
    body.classList.add("screen-hidden");
    cover.hidden = false;
    cover.querySelector("[data-show-screen]").focus();
  }
  function showScreen() {
    if (!cover) return;
    body.classList.remove("screen-hidden");
    cover.hidden = true;
    document.title = savedTitle;
    // Put keyboard focus back where it was, so the person carries on where they left off.
    if (savedFocus && savedFocus !== body && document.contains(savedFocus)) { savedFocus.focus(); }
    savedFocus = null;
  }
  document.querySelectorAll("[data-hide-screen]").forEach(function (b) { b.addEventListener("click", hideScreen); });
  document.querySelectorAll("[data-show-screen]").forEach(function (b) { b.addEventListener("click", showScreen); });
  document.addEventListener("keydown", function (e) {
    if (e.altKey && e.shiftKey && (e.key === "H" || e.key === "h" || e.code === "KeyH")) {
      e.preventDefault();
      if (body.classList.contains("screen-hidden")) { showScreen(); } else { hideScreen(); }
    }
  });

  /* --- Confirm destructive actions. --- */
  document.addEventListener("click", function (e) {
    var el = e.target.closest("[data-confirm]");
    if (el && !window.confirm(el.getAttribute("data-confirm"))) { e.preventDefault(); }
  });

  /* --- A background htmx request that the server redirected (the session has ended, or a
     second factor must be set up first) gets a whole page back. Never paste that page into
     this one: go to sign-in if that is where it led, otherwise leave this page alone. --- */
  document.addEventListener("htmx:beforeSwap", function (e) {
    var xhr = e.detail.xhr;
    if (!xhr || !xhr.responseURL) return;
    var asked = new URL(e.detail.requestConfig.path, window.location.href);
    var landed = new URL(xhr.responseURL);
    if (landed.pathname === asked.pathname) return;
    e.detail.shouldSwap = false;
    var signIn = body.getAttribute("data-sign-in-url");
    if (signIn && landed.pathname === signIn) {
      window.location.href = signIn + "?next=" + encodeURIComponent(window.location.pathname + window.location.search);
    }
  });

  /* --- Move focus to an error summary so it is read out. --- */
  var summary = document.querySelector("[data-error-summary]");
  if (summary) { summary.focus(); }

  /* --- Autosave: forms marked data-autosave-key are saved server-side every few seconds. --- */
  var autosaveForms = Array.prototype.slice.call(document.querySelectorAll("form[data-autosave-key]"));
  function snapshot(form) {
    var data = new FormData(form);
    ["csrfmiddlewaretoken", "password", "password1", "password2"].forEach(function (k) { data.delete(k); });
    // An unticked box sends nothing: record it as empty, or restoring the draft would bring
    // back the saved tick instead of what the person chose.
    form.querySelectorAll("input[type=checkbox][name]").forEach(function (box) {
      if (!box.disabled && !data.has(box.name)) { data.append(box.name, ""); }
    });
    return data;
  }
  function serialise(data) {
    var parts = [];
    data.forEach(function (v, k) { if (typeof v === "string") parts.push(k + "=" + v); });
    return parts.join("&");
  }
  function saveDraft(form) {
    var data = snapshot(form);
    var text = serialise(data);
    if (text === form._lastSaved) return Promise.resolve();
    data.append("_draft_key", form.getAttribute("data-autosave-key"));
    data.append("_draft_label", form.getAttribute("data-autosave-label") || document.title);
    data.append("_draft_url", window.location.pathname + window.location.search.replace(/[?&]restore=1/, ""));
    var status = form.querySelector("[data-autosave-status]");
    return post("/drafts/save/", data).then(function (r) {
      if (r.ok) {
        form._lastSaved = text;
        if (status) { status.textContent = "Draft saved at " + new Date().toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" }) + "."; }
      }
    }).catch(function () {
      if (status) { status.textContent = "Could not save a draft just now. Keep this page open."; }
    });
  }
  autosaveForms.forEach(function (form) {
    form._lastSaved = serialise(snapshot(form));
    form._dirty = false;
    form.addEventListener("input", function () { form._dirty = true; });
    form.addEventListener("submit", function () { form._submitting = true; });
    setInterval(function () { if (form._dirty && !form._submitting) { form._dirty = false; saveDraft(form); } }, 5000);
  });
  function saveAllDrafts() {
    return Promise.all(autosaveForms.filter(function (f) { return !f._submitting; }).map(saveDraft));
  }

  /* --- Idle timeout: warn two minutes before, one button to stay signed in (WCAG 2.2.1). --- */
  var timeout = parseInt(body.getAttribute("data-idle-timeout") || "0", 10);
  var warning = parseInt(body.getAttribute("data-idle-warning") || "120", 10);
  var dialog = document.querySelector("[data-timeout-dialog]");
  if (timeout > 0 && dialog) {
    var deadline = Date.now() + timeout * 1000;
    var countdown = dialog.querySelector("[data-timeout-countdown]");
    var ticker = null;
    var lastActivity = Date.now();

    var markActive = function () { lastActivity = Date.now(); };
    ["keydown", "mousedown", "input", "touchstart"].forEach(function (ev) { document.addEventListener(ev, markActive, { passive: true }); });

    var describe = function (seconds) {
      if (seconds >= 60) { var m = Math.ceil(seconds / 60); return m + " minute" + (m === 1 ? "" : "s"); }
      return seconds + " second" + (seconds === 1 ? "" : "s");
    };
    var goToSignIn = function () {
      window.location.href = body.getAttribute("data-sign-in-url") + "?next=" + encodeURIComponent(window.location.pathname + window.location.search);
    };
    // The server keeps the real clock. When it has ended the session it answers with a
    // redirect to sign-in; that redirect is not followed here, so the message saying why
    // is still waiting for the sign-in page instead of being used up by this request.
    var ask = function (url, options) {
      var init = { credentials: "same-origin", redirect: "manual" };
      Object.keys(options || {}).forEach(function (k) { init[k] = options[k]; });
      return fetch(url, init).then(function (r) { return r.ok ? r.json() : Promise.reject(r); });
    };
    var refresh = function (data) {
      deadline = Date.now() + data.remaining_seconds * 1000;
    };
    var showWarning = function () {
      if (!dialog.open) { dialog.showModal(); dialog.querySelector("[data-stay-signed-in]").focus(); }
      clearInterval(ticker);
      ticker = setInterval(function () {
        var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
        countdown.textContent = describe(left);
        if (left <= 0) { clearInterval(ticker); timeIsUp(); }
      }, 1000);
    };
    // The countdown has reached zero. Save what was typed while the session can still take
    // it, then ask the server: this page's count ends a moment early, and going to the
    // sign-in page while the session is still alive would count as activity and keep it.
    var timeIsUp = function () {
      saveAllDrafts()
        .then(function () { return ask(body.getAttribute("data-status-url")); })
        .then(function (data) {
          refresh(data);
          if (data.remaining_seconds > warning) { clearInterval(ticker); dialog.close(); } else { showWarning(); }
        })
        .catch(goToSignIn);
    };
    var stay = function () {
      ask(body.getAttribute("data-keepalive-url"), { method: "POST", headers: { "X-CSRFToken": csrf } })
        .then(function (data) { refresh(data); clearInterval(ticker); if (dialog.open) dialog.close(); })
        .catch(goToSignIn);
    };
    dialog.querySelector("[data-stay-signed-in]").addEventListener("click", stay);
    dialog.addEventListener("cancel", function (e) { e.preventDefault(); stay(); });

    setInterval(function () {
      var left = (deadline - Date.now()) / 1000;
      if (dialog.open || left > warning) {
        // Typing in this page counts as activity: tell the server now and then.
        if (!dialog.open && Date.now() - lastActivity < 30000 && timeout - left > 60) { stay(); }
        return;
      }
      // Another tab may have kept the session alive: ask the server before warning.
      ask(body.getAttribute("data-status-url"))
        .then(function (data) { refresh(data); if (data.remaining_seconds <= warning) { showWarning(); } })
        .catch(goToSignIn);
    }, 5000);
  }
})();
