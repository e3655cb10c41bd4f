/* Một Cửa Số: the only script besides htmx. Every failed htmx request is shown in the one alert
   region (#alerts); the messages come translated from the page (data-* attributes) or from the
   server's error fragment. Nothing here is needed for a page to work without JavaScript. */
(function () {
  "use strict";

  function region() { return document.getElementById("alerts"); }

  function show(text, withLogin) {
    var box = region();
    if (!box) { return; }
    box.textContent = "";
    var p = document.createElement("p");
    p.className = "alert-text";
    p.textContent = text;
    box.appendChild(p);
    if (withLogin) {
      var link = document.createElement("a");
      link.href = box.dataset.login;
      link.target = "_blank";
      link.rel = "noopener";
      link.className = "button";
      link.textContent = box.dataset.loginText;
      box.appendChild(link);
    }
    var close = document.createElement("button");
    close.type = "button";
    close.className = "secondary";
    close.textContent = box.dataset.close;
    close.addEventListener("click", hide);
    box.appendChild(close);
    box.hidden = false;
    box.focus();
  }

  function hide() {
    var box = region();
    if (box) { box.hidden = true; }
  }

  /* The message of our own error fragment (templates/errors/_message.html), if the body is one. */
  function serverMessage(xhr) {
    var type = xhr.getResponseHeader("Content-Type") || "";
    if (type.indexOf("text/html") !== 0 || !xhr.responseText) { return null; }
    var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
    var el = doc.querySelector("[data-error-message]");
    return el ? el.textContent.trim() : null;
  }

  /* A renewed CSRF token (sent with an "expired form" answer): every form on the page gets it. */
  function renewToken(token) {
    document.querySelectorAll("input[name=csrf_token]").forEach(function (input) { input.value = token; });
    var headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
    headers["X-CSRFToken"] = token;
    document.body.setAttribute("hx-headers", JSON.stringify(headers));
  }

  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    var token = xhr.getResponseHeader("X-CSRF-Token");
    if (token) { renewToken(token); }
    var text = serverMessage(xhr) || region().dataset.status.replace("{code}", xhr.status);
    show(text, xhr.status === 401);
  });
  document.addEventListener("htmx:sendError", function () { show(region().dataset.network, false); });
  document.addEventListener("htmx:timeout", function () { show(region().dataset.timeout, false); });

  /* Before a form with scans is sent: a file over the office's limit is named at once, and
     nothing is sent (the server would refuse it after a long upload). */
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.detail.elt;
    hide();
    if (!form.dataset || !form.dataset.maxFileBytes) { return; }
    var perFile = Number(form.dataset.maxFileBytes), total = 0;
    var inputs = form.querySelectorAll("input[type=file]");
    for (var i = 0; i < inputs.length; i++) {
      var files = inputs[i].files || [];
      for (var j = 0; j < files.length; j++) {
        if (files[j].size > perFile) {
          event.preventDefault();
          show(form.dataset.tooLarge.replace("{name}", files[j].name), false);
          return;
        }
        total += files[j].size;
      }
    }
    if (total > Number(form.dataset.maxRequestBytes)) {
      event.preventDefault();
      show(form.dataset.requestTooLarge, false);
    }
  });
  /* Menus in the top bar are plain <details>: one open at a time, closed by a click elsewhere or Esc. */
  document.addEventListener("click", function (event) {
    var menus = document.querySelectorAll("header.top details.menu[open]");
    for (var i = 0; i < menus.length; i++) {
      if (!menus[i].contains(event.target)) { menus[i].open = false; }
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var menus = document.querySelectorAll("header.top details.menu[open]");
    for (var i = 0; i < menus.length; i++) { menus[i].open = false; }
  });
})();
