(function () {
  "use strict";
  var each = function (list, fn) { Array.prototype.forEach.call(list, fn); };

  // Filters: every control with data-filter="NAME" keeps only the rows of [data-filterable] tables
  // whose data-NAME holds the chosen value ("|a|b|" tokens; "a|b" as a value means either). The
  // search box (NAME "q") keeps rows whose text holds every word typed. Values are compared as
  // text; nothing is parsed. The filters live in the URL's query (?severity=error&q=read_csv),
  // so a filtered view can be bookmarked and shared.
  var controls = Array.prototype.slice.call(document.querySelectorAll("[data-filter]"));
  function wanted(control) { return control.value.trim(); }
  function rowKeeps(row, control) {
    var value = wanted(control);
    if (value === "") { return true; }
    var name = control.getAttribute("data-filter");
    if (name === "q") {
      var text = row.textContent.toLowerCase();
      return value.toLowerCase().split(/\s+/).every(function (word) { return text.indexOf(word) !== -1; });
    }
    var have = row.getAttribute("data-" + name);
    if (have === null) { return true; }
    return value.split("|").some(function (v) { return have.indexOf("|" + v + "|") !== -1; });
  }
  function applyFilters() {
    var active = controls.filter(function (c) { return wanted(c) !== ""; });
    var shown = 0;
    each(document.querySelectorAll("table[data-filterable]"), function (table) {
      each(table.tBodies[0].rows, function (row) {
        var keep = active.every(function (c) { return rowKeeps(row, c); });
        row.classList.toggle("hidden", !keep);
        if (keep && table.id === "findings") { shown += 1; }
      });
    });
    var model = document.getElementById("filter-model");
    each(document.querySelectorAll("details.pipeline"), function (d) {
      d.hidden = Boolean(model && model.value) && d.getAttribute("data-model").indexOf("|" + model.value + "|") === -1;
    });
    var counter = document.getElementById("shown-count");
    if (counter) { counter.textContent = shown + " finding" + (shown === 1 ? "" : "s") + " shown"; }
    var query = queryOf(active);
    each(document.querySelectorAll("a.card[data-set]"), function (card) {
      card.setAttribute("aria-current", card.getAttribute("data-set") === query ? "true" : "false");
    });
  }
  function queryOf(active) {
    return active.map(function (c) {
      return encodeURIComponent(c.getAttribute("data-filter")) + "=" + encodeURIComponent(wanted(c)).replace(/%7C/g, "|");
    }).join("&");
  }
  function saveToUrl() {
    var query = queryOf(controls.filter(function (c) { return wanted(c) !== ""; }));
    try {
      history.replaceState(null, "", location.pathname + (query ? "?" + query : "") + location.hash);
    } catch (e) { /* a browser that refuses: the filters still apply, only the URL stays */ }
  }
  function setFrom(query) {
    var params = new URLSearchParams(query);
    controls.forEach(function (c) {
      var value = params.get(c.getAttribute("data-filter")) || "";
      if (c.tagName === "SELECT" && value && !Array.prototype.some.call(c.options, function (o) { return o.value === value; })) {
        var option = document.createElement("option");
        option.value = value;
        option.textContent = value.split("|").join(" or ");
        c.appendChild(option);
      }
      c.value = value;
    });
  }
  controls.forEach(function (c) {
    c.addEventListener(c.tagName === "INPUT" ? "input" : "change", function () { applyFilters(); saveToUrl(); });
  });
  var reset = document.getElementById("clear-filters");
  if (reset) {
    reset.addEventListener("click", function () { setFrom(""); applyFilters(); saveToUrl(); });
  }
  // Summary cards are links to a filtered view (?status=blocked): followed in place, no reload.
  each(document.querySelectorAll("a.card[data-set]"), function (card) {
    card.addEventListener("click", function (event) {
      if (!controls.length) { return; }
      event.preventDefault();
      setFrom(card.getAttribute("data-set"));
      applyFilters();
      saveToUrl();
      var target = document.getElementById(card.getAttribute("data-set").indexOf("status=") === 0 ? "models-heading" : "findings-heading");
      if (target) { target.scrollIntoView(); }
    });
  });
  if (controls.length) { setFrom(location.search); applyFilters(); }

  // Sortable tables: each header is a button (Tab reaches it, Enter or Space sorts); numbers sort
  // as numbers (data-value wins over the text).
  function cellValue(row, index, numeric) {
    var cell = row.cells[index];
    if (!cell) { return numeric ? -Infinity : ""; }
    var raw = cell.hasAttribute("data-value") ? cell.getAttribute("data-value") : cell.textContent;
    if (numeric) { var n = parseFloat(raw); return isNaN(n) ? -Infinity : n; }
    return raw.trim().toLowerCase();
  }
  each(document.querySelectorAll("th.sortable"), function (th) {
    var button = th.querySelector("button") || th;
    button.addEventListener("click", function () {
      var table = th.closest("table");
      var body = table.tBodies[0];
      var index = Array.prototype.indexOf.call(th.parentNode.cells, th);
      var numeric = th.getAttribute("data-type") === "number";
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      each(th.parentNode.cells, function (other) { other.removeAttribute("aria-sort"); });
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

  // Notebook pages: "next finding" / "previous" buttons (and the keys n and p) move to the next
  // finding below (or above) the top of the window, in page order.
  var findings = Array.prototype.slice.call(document.querySelectorAll("main .finding"));
  var position = document.getElementById("finding-pos");
  var current = -1;
  function go(step) {
    if (!findings.length) { return; }
    var top = 8;
    var next;
    if (step > 0) {
      next = findings.findIndex(function (f, i) { return i > current && f.getBoundingClientRect().top > top + 1; });
      if (next === -1) { next = current === -1 ? 0 : Math.min(current + 1, findings.length - 1); }
    } else {
      next = current === -1 ? findings.length - 1 : Math.max(current - 1, 0);
    }
    current = next;
    var target = findings[current];
    target.setAttribute("tabindex", "-1");
    target.scrollIntoView({ block: "start" });
    target.focus({ preventScroll: true });
    if (position) { position.textContent = (current + 1) + " / " + findings.length; }
  }
  var nextButton = document.getElementById("next-finding");
  var previousButton = document.getElementById("prev-finding");
  if (nextButton) { nextButton.addEventListener("click", function () { go(1); }); }
  if (previousButton) { previousButton.addEventListener("click", function () { go(-1); }); }
  if (findings.length && nextButton) {
    document.addEventListener("keydown", function (event) {
      var tag = (event.target && event.target.tagName) || "";
      if (event.altKey || event.ctrlKey || event.metaKey || tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA") { return; }
      if (event.key === "n") { go(1); } else if (event.key === "p") { go(-1); }
    });
  }
})();
