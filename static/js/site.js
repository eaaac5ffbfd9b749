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

// Shortlist buttons update in place; without JS they are ordinary POST forms.
(function () {
  "use strict";
  var live = document.querySelector("[data-live-region]");
  var badge = document.querySelector("[data-shortlist-count]");
  var compareLink = document.querySelector(".compare-link");
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("[data-shortlist-form]") || !window.fetch) { return; }
    event.preventDefault();
    var button = form.querySelector("button");
    var adding = form.getAttribute("action") === form.dataset.addUrl;
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin"
    }).then(function (response) { return response.json(); }).then(function (data) {
      if (live) {
        live.textContent = "";
        var p = document.createElement("p");
        p.className = "messages-inline";
        p.textContent = data.message;
        live.appendChild(p);
      }
      if (badge) { badge.textContent = data.count; }
      if (compareLink) { compareLink.href = data.compare_url; }
      if (!data.ok) { return; }
      var hidden = button.querySelector(".visually-hidden");
      var rest = hidden ? hidden.textContent.replace(/^: (remove )?/, "") : "";
      if (adding) {
        form.setAttribute("action", form.dataset.removeUrl);
        button.firstChild.textContent = "In compare list";
        if (hidden) { hidden.textContent = ": remove " + rest; }
      } else {
        form.setAttribute("action", form.dataset.addUrl);
        button.firstChild.textContent = "Add to compare";
        if (hidden) { hidden.textContent = ": " + rest; }
      }
    }).catch(function () { form.submit(); });
  });
})();
