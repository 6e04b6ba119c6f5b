// keyhelp's page without reloads: each form is still posted to the server, and the page it
// answers with replaces this one's <main>. Without this script the forms work the same way,
// one page load a turn. No framework and nothing from another site (the CSP forbids both).
// A screenshot pasted anywhere on the page goes into the message form's file field; without
// the script the field itself takes the file.
"use strict";
(function () {
  function enhance(root) {
    root.querySelectorAll("button.copy[data-copy]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { copy(button); });
    });
    var hint = root.querySelector("#paste-hint");
    var message = root.querySelector("#message");
    if (hint && message && typeof DataTransfer !== "undefined") {
      hint.hidden = false;
      if (!message.hasAttribute("aria-describedby")) {
        message.setAttribute("aria-describedby", "paste-hint");
      }
    }
  }

  // an image in the clipboard becomes the file field's file (the text box takes text as ever)
  function paste(event) {
    var field = document.getElementById("image");
    var files = event.clipboardData ? event.clipboardData.files : null;
    if (!field || !files || typeof DataTransfer === "undefined") { return; }
    var image = Array.prototype.filter.call(files, function (file) {
      return /^image\//.test(file.type);
    })[0];
    if (!image) { return; }
    event.preventDefault();
    var chosen = new DataTransfer();
    chosen.items.add(image);
    field.files = chosen.files;
    var status = document.getElementById("paste-status");
    if (status) { status.textContent = status.getAttribute("data-pasted"); }
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
    var data = new FormData(form, event.submitter);
    // the message form carries a file: sent as it is (multipart), the others as plain fields
    var body = form.enctype === "multipart/form-data" ? data : new URLSearchParams(data);
    form.setAttribute("aria-busy", "true");
    // getAttribute: form.action would be the buttons named "action", not the URL
    fetch(form.getAttribute("action"), { method: "POST", body: body, credentials: "same-origin",
                         headers: { "Accept": "text/html" } })
      .then(function (response) { return response.text(); })
      // no page came back (network gone): reloading shows truly where the conversation stands
      .then(function (html) { if (!show(html)) { window.location.reload(); } })
      .catch(function () { window.location.reload(); });
  });

  document.addEventListener("paste", paste);
  enhance(document);
}());
