/* Parallax: filter the home page's items by party and outlet. Without this script every item
   is listed; with it, the two selects narrow the list, a live region says how many remain, the
   choice is kept in the address (?party=…&outlet=…, so it can be shared), and an empty result
   says so with a way back. Item tables sort by their columns; details open for printing, and a
   party named in the at-a-glance row opens its full position. */
(function () {
  function apply(form, remember) {
    var list = document.getElementById("parallax-items");
    if (!list) return;
    var wanted = {}, params = new URLSearchParams(location.search);
    form.querySelectorAll("select[data-filter]").forEach(function (s) {
      wanted[s.dataset.filter] = s.value;
      if (s.value) params.set(s.dataset.param, s.value); else params.delete(s.dataset.param);
    });
    var shown = 0, items = list.querySelectorAll(".parallax-entry");
    items.forEach(function (li) {
      var ok = Object.keys(wanted).every(function (key) {
        var v = wanted[key];
        return !v || (li.dataset[key] || "").split(" ").indexOf(v) !== -1;
      });
      li.hidden = !ok;
      if (ok) shown += 1;
    });
    var count = form.querySelector(".parallax-filter-count");
    if (count) count.textContent = shown + " of " + items.length + " items shown";
    var empty = document.querySelector(".parallax-filter-empty");
    if (empty) empty.hidden = shown !== 0;
    if (remember && window.history && history.replaceState) {
      var query = params.toString();
      history.replaceState(null, "", location.pathname + (query ? "?" + query : "") + location.hash);
    }
  }
  function initFilters() {
    document.querySelectorAll(".parallax-filters").forEach(function (form) {
      var params = new URLSearchParams(location.search), chosen = false;
      form.querySelectorAll("select[data-filter]").forEach(function (s) {
        var v = params.get(s.dataset.param);
        if (v && s.querySelector('option[value="' + CSS.escape(v) + '"]')) { s.value = v; chosen = true; }
        s.addEventListener("change", function () { apply(form, true); });
      });
      document.querySelectorAll(".parallax-filter-clear").forEach(function (b) {
        b.addEventListener("click", function () {
          form.querySelectorAll("select[data-filter]").forEach(function (s) { s.value = ""; });
          apply(form, true);
          form.querySelector("select").focus();
        });
      });
      if (chosen) apply(form, false);
    });
  }
  function initSorting() {
    document.querySelectorAll("table.parallax-sortable").forEach(function (table) {
      var heads = table.querySelectorAll("th[data-sort]");
      heads.forEach(function (th, _) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "parallax-sort";
        while (th.firstChild) button.appendChild(th.firstChild);
        th.appendChild(button);
        button.addEventListener("click", function () {
          var column = Array.prototype.indexOf.call(th.parentNode.children, th);
          var ascending = th.getAttribute("aria-sort") !== "ascending";
          heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
          th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
          var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
          rows.sort(function (a, b) {
            var x = a.cells[column].dataset.value || a.cells[column].textContent;
            var y = b.cells[column].dataset.value || b.cells[column].textContent;
            var n = th.dataset.sort === "number" ? (parseFloat(x) - parseFloat(y)) : x.localeCompare(y);
            return ascending ? n : -n;
          });
          rows.forEach(function (r) { body.appendChild(r); });
        });
      });
    });
  }
  // Printed pages show what the disclosures hold (sources, details, outlet descriptions).
  var opened = [];
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll(".md-content details:not([open])").forEach(function (d) {
      d.open = true;
      opened.push(d);
    });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });
  // A party named in the at-a-glance row leads to its full position, opened.
  function openTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && document.getElementById(id);
    var card = target && target.closest(".parallax-perspective");
    var more = card && card.querySelector("details");
    if (more) more.open = true;
  }
  window.addEventListener("hashchange", openTarget);
  function init() { initFilters(); initSorting(); openTarget(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
