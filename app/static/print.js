/* The "Print the map" dialog prints the layer on screen: the map's script may switch
   layers without reloading the page, so the form takes the layer ticked at submit time. */
(function () {
  "use strict";
  document.querySelectorAll("form.print-form").forEach(function (form) {
    form.addEventListener("submit", function () {
      var ticked = document.querySelector(".layer-list input[name=layer]:checked");
      if (ticked) { form.querySelector("input.print-layer").value = ticked.value; }
    });
  });
})();
