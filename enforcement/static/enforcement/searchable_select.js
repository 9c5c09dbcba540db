// A "type to narrow" box above every <select data-searchable>: typing hides the options whose
// text does not contain what was typed (ignoring case and accents), so a country, authority or
// respondent can be found among hundreds. Enter picks the first visible option. Without script
// the select works as before.
(function () {
  "use strict";
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function enhance(select) {
    var box = document.createElement("input");
    box.type = "search";
    box.className = "select-search";
    box.autocomplete = "off";
    // The box sits right above its select and controls it; its name does not repeat the
    // select's label, so "Country" still names exactly one control.
    box.setAttribute("aria-label", select.dataset.searchLabel || "Type to narrow");
    box.placeholder = select.dataset.searchPlaceholder || "Type to narrow…";
    box.setAttribute("aria-controls", select.id);
    select.parentNode.insertBefore(box, select);
    box.addEventListener("input", function () {
      var needle = fold(box.value.trim());
      var first = null;
      Array.prototype.forEach.call(select.options, function (option) {
        var keep = !option.value || !needle || fold(option.textContent).indexOf(needle) !== -1;
        option.hidden = !keep;
        if (keep && option.value && first === null) first = option;
      });
      var current = select.selectedOptions.length ? select.selectedOptions[0] : null;
      if (needle && first !== null && (current === null || !current.value || current.hidden)) {
        select.value = first.value;
      }
    });
    box.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        select.form && select.form.requestSubmit ? select.form.requestSubmit() : select.form.submit();
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("select[data-searchable]"), enhance);
  });
})();
