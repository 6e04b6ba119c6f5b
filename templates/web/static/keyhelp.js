// keyhelp's page without reloads: each form is still posted to the server, and the page it
// answers with replaces this one's <main>. Without this script the forms work the same way,
// one page load a turn. No framework and nothing from another site (the CSP forbids both).
"use strict";
(function () {
  function enhance(root) {
    root.querySelectorAll("button.copy[data-copy]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { copy(button); });
    });
  }

  function copy(button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field) { return; }
    var done = function () { button.textContent = button.getAttribute("data-copied"); };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, function () { select(field, done); });
    } else {
      select(field, done);
    }
  }

  function select(field, done) {
    field.focus();
    field.select();
    if (document.execCommand("copy")) { done(); }
  }

  function show(html) {
    var next = new DOMParser().parseFromString(html, "text/html");
    var main = next.querySelector("main");
    var header = next.querySelector("header");
    if (!main) { return false; }
    document.querySelector("main").replaceWith(main);
    if (header) { document.querySelector("header").replaceWith(header); }
    document.documentElement.lang = next.documentElement.lang;
    document.title = next.title;
    enhance(document);
    var latest = document.getElementById("latest");
    if (latest) {
      latest.focus({ preventScroll: true });
      latest.scrollIntoView({ block: "start" });
    }
    return true;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form[data-turn]") || form.getAttribute("aria-busy") === "true") { return; }
    event.preventDefault();
    var body = new URLSearchParams(new FormData(form, event.submitter));
    form.setAttribute("aria-busy", "true");
    // getAttribute: form.action would be the buttons named "action", not the URL
    fetch(form.getAttribute("action"), { method: "POST", body: body, credentials: "same-origin",
                         headers: { "Accept": "text/html" } })
      .then(function (response) { return response.text(); })
      // no page came back (network gone): reloading shows truly where the conversation stands
      .then(function (html) { if (!show(html)) { window.location.reload(); } })
      .catch(function () { window.location.reload(); });
  });

  enhance(document);
}());
