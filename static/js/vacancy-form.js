/* The placement-need form shows only the fieldsets that apply to the chosen type.
   Without JavaScript every fieldset shows, each with a hint naming the types it applies to;
   the server clears what does not apply either way. */
(function () {
  "use strict";
  var form = document.getElementById("vacancy-form");
  if (!form) { return; }
  var typeSelect = form.querySelector("select[name=type]");
  if (!typeSelect) { return; }
  var fieldsets = form.querySelectorAll("fieldset[data-applies-to]");

  function update() {
    var chosen = typeSelect.value;
    fieldsets.forEach(function (fs) {
      var types = fs.getAttribute("data-applies-to").split(" ");
      fs.hidden = chosen !== "" && types.indexOf(chosen) === -1;
    });
  }
  typeSelect.addEventListener("change", update);
  update();
})();
