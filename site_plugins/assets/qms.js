/* Sortable tables for the quality manual: click a column header to sort by it.
   A cell sorts by the data-sort of the first element that has one (badges), else by its text.
   Written for this site: no library, no request to another host. */
(function () {
  "use strict";
  function key(row, index) {
    var cell = row.cells[index];
    if (!cell) return "";
    var marked = cell.querySelector("[data-sort]");
    return (marked ? marked.getAttribute("data-sort") : cell.textContent).trim();
  }
  function compare(a, b) {
    var x = parseFloat(a), y = parseFloat(b);
    if (!isNaN(x) && !isNaN(y) && String(x) === a && String(y) === b) return x - y;
    return a.localeCompare(b, undefined, { numeric: true });
  }
  function sortBy(table, th, index) {
    var body = table.tBodies[0];
    if (!body) return;
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (r1, r2) {
      var result = compare(key(r1, index), key(r2, index));
      return ascending ? result : -result;
    });
    Array.prototype.forEach.call(table.querySelectorAll("th[aria-sort]"), function (other) {
      other.removeAttribute("aria-sort");
    });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    rows.forEach(function (row) { body.appendChild(row); });
  }
  function setup() {
    var tables = document.querySelectorAll(".md-typeset table:not(.qms-doc-control)");
    Array.prototype.forEach.call(tables, function (table) {
      // key/value tables (two columns) are not worth sorting
      if (table.getAttribute("data-qms-sortable") || !table.tHead || table.tHead.rows[0].cells.length < 3) return;
      table.setAttribute("data-qms-sortable", "1");
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
        th.classList.add("qms-sortable");
        th.setAttribute("tabindex", "0");
        th.addEventListener("click", function () { sortBy(table, th, index); });
        th.addEventListener("keydown", function (event) {
          if (event.key === "Enter" || event.key === " ") { event.preventDefault(); sortBy(table, th, index); }
        });
      });
    });
  }
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(setup); // Material's instant navigation
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
