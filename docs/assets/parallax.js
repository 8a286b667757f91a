/* Parallax: filter the home page's items by party and outlet. Without this script every item
   is listed; with it, the two selects narrow the list and a live region says how many remain. */
(function () {
  function apply(form) {
    var list = document.getElementById("parallax-items");
    if (!list) return;
    var wanted = {};
    form.querySelectorAll("select[data-filter]").forEach(function (s) { wanted[s.dataset.filter] = s.value; });
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
  }
  function init() {
    document.querySelectorAll(".parallax-filters").forEach(function (form) {
      form.querySelectorAll("select").forEach(function (s) {
        s.addEventListener("change", function () { apply(form); });
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
