// Flattr without leaving the page. The form works without this script (a normal POST with its
// CSRF token); with it, the same POST is sent by fetch() and the page is updated in place.
(function () {
  "use strict";
  function update(box, data) {
    var set = function (selector, text) {
      var node = box.querySelector(selector);
      if (node) { node.textContent = text; }
    };
    var counts = box.querySelector("[data-counts]");
    if (counts && data.counts_html) {
      counts.innerHTML = data.counts_html;  // rendered and escaped by the server, with the right plural
    } else {
      set("[data-period-count]", data.period_count);
      set("[data-total-count]", data.total_count);
    }
    set("[data-value]", data.value);
    var line = box.querySelector("[data-value-line]");
    var hint = box.querySelector("[data-value-hint]");
    if (line) { line.hidden = false; }
    if (hint) { hint.hidden = true; }
    var takeBack = box.querySelector("[data-take-back]");
    if (takeBack && data.take_back_url) {
      takeBack.action = data.take_back_url;
      takeBack.hidden = false;
    }
  }

  function enhance(form) {
    var box = document.querySelector(".thing") || document;
    var button = form.querySelector("[data-flattr-button]");
    var message = box.querySelector("[data-flattr-message]");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (button) { button.disabled = true; }
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { "Accept": "application/json" },
        credentials: "same-origin"
      }).then(function (response) {
        return response.json();
      }).then(function (data) {
        if (message) { message.textContent = data.message; }
        if (data.ok) {
          update(box, data);
          if (button) { button.textContent = button.getAttribute("data-done-label") || button.textContent; }
        } else if (button) {
          button.disabled = false;
        }
      }).catch(function () {
        form.submit();  // the network or the script failed: fall back to the plain form
      });
    });
  }

  document.querySelectorAll("[data-flattr-form]").forEach(enhance);
}());
