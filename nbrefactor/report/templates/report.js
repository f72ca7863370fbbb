(function () {
  "use strict";
  // Filters: every <select data-filter="NAME"> keeps only the rows of [data-filterable] tables whose
  // data-NAME holds the chosen value ("|a|b|" tokens). Values are compared as text; nothing is parsed.
  var selects = Array.prototype.slice.call(document.querySelectorAll("select[data-filter]"));
  function applyFilters() {
    var active = selects.filter(function (s) { return s.value !== ""; });
    var tables = document.querySelectorAll("table[data-filterable]");
    var shown = 0;
    Array.prototype.forEach.call(tables, function (table) {
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        var keep = active.every(function (s) {
          var have = row.getAttribute("data-" + s.getAttribute("data-filter"));
          return have === null || have.indexOf("|" + s.value + "|") !== -1;
        });
        row.classList.toggle("hidden", !keep);
        if (keep && table.id === "findings") { shown += 1; }
      });
    });
    var counter = document.getElementById("shown-count");
    if (counter) { counter.textContent = shown + " finding" + (shown === 1 ? "" : "s") + " shown"; }
  }
  selects.forEach(function (s) { s.addEventListener("change", applyFilters); });
  var reset = document.getElementById("clear-filters");
  if (reset) {
    reset.addEventListener("click", function () {
      selects.forEach(function (s) { s.value = ""; });
      applyFilters();
    });
  }
  if (selects.length) { applyFilters(); }

  // Sortable tables: click a header; numbers sort as numbers (data-value wins over the text).
  function cellValue(row, index, numeric) {
    var cell = row.cells[index];
    if (!cell) { return numeric ? -Infinity : ""; }
    var raw = cell.hasAttribute("data-value") ? cell.getAttribute("data-value") : cell.textContent;
    if (numeric) { var n = parseFloat(raw); return isNaN(n) ? -Infinity : n; }
    return raw.trim().toLowerCase();
  }
  Array.prototype.forEach.call(document.querySelectorAll("th.sortable"), function (th) {
    th.addEventListener("click", function () {
      var table = th.closest("table");
      var body = table.tBodies[0];
      var index = Array.prototype.indexOf.call(th.parentNode.cells, th);
      var numeric = th.getAttribute("data-type") === "number";
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      Array.prototype.forEach.call(th.parentNode.cells, function (other) { other.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = cellValue(a, index, numeric), y = cellValue(b, index, numeric);
        var order = x < y ? -1 : (x > y ? 1 : 0);
        return ascending ? order : -order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
})();
