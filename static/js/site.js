// Progressive enhancement only: every task works without this file.
(function () {
  "use strict";
  // On narrow screens start with the filter panel folded so results come first,
  // unless a filter has an error the user needs to see.
  var panel = document.querySelector(".filters-panel");
  if (panel && window.matchMedia("(max-width: 59.99rem)").matches && !panel.querySelector(".error-summary")) {
    panel.removeAttribute("open");
  }
})();
