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

// The shortlist. Public pages are the same for every visitor, so the header count and each
// button's state come from the "shortlist" cookie (programme numbers, set by the server on
// every change); buttons then update in place. Without JS the forms are ordinary POSTs that
// land on the visitor's own shortlist page.
(function () {
  "use strict";
  var live = document.querySelector("[data-live-region]");
  var badge = document.querySelector("[data-shortlist-count]");
  var label = document.querySelector("[data-shortlist-label]");
  var compareLink = document.querySelector(".compare-link");
  var compareBase = compareLink ? compareLink.getAttribute("href") : "/compare/";

  function savedIds() {
    var match = document.cookie.match(/(?:^|;\s*)shortlist=([0-9.]*)/);
    return match && match[1] ? match[1].split(".").filter(Boolean) : [];
  }

  function setButton(form, inShortlist) {
    var button = form.querySelector("button");
    var hidden = button.querySelector(".visually-hidden");
    var rest = hidden ? hidden.textContent.replace(/^: (remove )?/, "") : "";
    form.setAttribute("action", inShortlist ? form.dataset.removeUrl : form.dataset.addUrl);
    button.firstChild.textContent = inShortlist ? "In compare list" : "Add to compare";
    if (hidden) { hidden.textContent = inShortlist ? ": remove " + rest : ": " + rest; }
  }

  function show(ids) {
    if (badge) {
      badge.textContent = ids.length;
      badge.hidden = ids.length === 0;
    }
    if (label) { label.hidden = ids.length === 0; }
    if (compareLink) {
      compareLink.href = ids.length ? compareBase + "?" + ids.map(function (id) { return "p=" + id; }).join("&") : compareBase;
    }
  }

  var ids = savedIds();
  show(ids);
  if (ids.length) {
    document.querySelectorAll("[data-shortlist-form]").forEach(function (form) {
      var input = form.querySelector("input[name=programme]");
      if (input && ids.indexOf(input.value) !== -1) { setButton(form, true); }
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("[data-shortlist-form]") || !window.fetch) { return; }
    event.preventDefault();
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
      if (data.ids) { show(data.ids.map(String)); }
      if (data.ok) { setButton(form, adding); }
    }).catch(function () { form.submit(); });
  });
})();
