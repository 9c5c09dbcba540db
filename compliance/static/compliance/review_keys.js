// Keyboard review of matches (staff review page): j/k move between matches, c confirms and r
// rejects the focused one, x selects it, C confirms and R rejects the selection. When the page
// loads (again after each decision) the first match still awaiting a decision has the focus, so
// a whole review runs from the keyboard. The buttons and forms work the same without the script.
(function () {
  "use strict";
  var index = -1;
  function cards() { return Array.prototype.slice.call(document.querySelectorAll("tr.match-card")); }
  function focus(next) {
    var all = cards();
    if (!all.length) { return; }
    index = Math.max(0, Math.min(all.length - 1, next));
    all.forEach(function (card, i) {
      card.classList.toggle("focused", i === index);
      card.setAttribute("aria-current", i === index ? "true" : "false");
    });
    all[index].focus({ preventScroll: true });
    all[index].scrollIntoView({ block: "nearest" });
  }
  function submit(decision) {
    var card = cards()[index];
    var form = card && card.querySelector("form[data-decision=" + decision + "]");
    if (form) { form.submit(); }
  }
  function click(id) {
    var button = document.getElementById(id);
    if (button) { button.click(); }
  }
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (target && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName) && target.type !== "checkbox") { return; }
    if (event.key === "j") { focus(index + 1); }
    else if (event.key === "k") { focus(index - 1); }
    else if (event.key === "c") { submit("confirm"); }
    else if (event.key === "r") { submit("reject"); }
    else if (event.key === "x") {
      var box = cards()[index] && cards()[index].querySelector("input[type=checkbox]");
      if (box) { box.checked = !box.checked; }
    } else if (event.key === "C") { click("bulk-confirm"); }
    else if (event.key === "R") { click("bulk-reject"); }
    else { return; }
    event.preventDefault();
  });
  document.addEventListener("DOMContentLoaded", function () {
    var all = cards();
    if (!all.length) { return; }
    var pending = all.findIndex(function (card) { return card.getAttribute("data-review") === "pending"; });
    focus(pending === -1 ? 0 : pending);
  });
})();
