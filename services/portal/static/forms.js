/* duixian portal: forms sent once. Our own script, served by the portal (no third-party code).
 * A form marked data-submit-once disables its buttons as soon as it is sent, so a double click sends it
 * once. The pages do not depend on it: without JavaScript the same form sent twice still makes one
 * application, because the form carries its own idempotency key (submission_id). */
(function () {
  "use strict";
  function buttons(form) {
    return Array.prototype.slice.call(form.querySelectorAll("button[type=submit]"));
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-submit-once")) {
      return;
    }
    if (form.getAttribute("data-sending") === "true") {
      event.preventDefault();
      return;
    }
    form.setAttribute("data-sending", "true");
    form.setAttribute("aria-busy", "true");
    /* after this turn: the pressed button's name and value are already part of what is sent */
    window.setTimeout(function () {
      buttons(form).forEach(function (button) { button.disabled = true; });
    }, 0);
  });
  /* back to a page kept in the browser's cache: its forms can be used again */
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) {
      return;
    }
    Array.prototype.forEach.call(document.querySelectorAll("form[data-sending]"), function (form) {
      form.removeAttribute("data-sending");
      form.removeAttribute("aria-busy");
      buttons(form).forEach(function (button) { button.disabled = false; });
    });
  });
})();
