// The links in our emails carry their secret after "#": browsers never send that part to a
// server, so it never appears in a web server's log. This script moves it into the form of
// the page (and out of the address bar); forms marked data-auto-submit are then sent at once.
(function () {
  "use strict";
  function ready() {
    var token = window.location.hash.slice(1);
    var forms = document.querySelectorAll("form[data-fragment-token]");
    if (!token || !forms.length) {
      return;
    }
    history.replaceState(null, "", window.location.pathname + window.location.search);
    forms.forEach(function (form) {
      var input = form.querySelector("input[name=token]");
      if (!input) {
        return;
      }
      input.value = decodeURIComponent(token);
      var manual = form.querySelector("[data-manual-token]");
      if (manual) {
        manual.hidden = true;
      }
      if (form.hasAttribute("data-auto-submit")) {
        form.submit();
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
